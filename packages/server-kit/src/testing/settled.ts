/**
 * Polls `read` until it gives the same value 5 times in a row, 20 ms apart (at most 10 s), and
 * returns that value: for counts that grow while something runs and stop when it is held back
 * ("what the server produced while the reader stalled"), where no event says "done".
 */
export async function settled(read: () => number): Promise<number> {
  let last = read();
  for (let tries = 0, stable = 0; tries < 500 && stable < 5; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const value = read();
    stable = value === last ? stable + 1 : 0;
    last = value;
  }
  return last;
}

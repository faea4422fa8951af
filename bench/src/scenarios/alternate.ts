/**
 * Measures each contender `rounds` times, interleaved A B A B …, so that drift on the machine
 * (thermal, other work, a growing store) falls on every contender alike. Results come back per
 * contender, in the order the rounds ran.
 */
export async function alternate<Contender, Result>(
  contenders: readonly Contender[],
  rounds: number,
  measure: (contender: Contender, round: number) => Promise<Result>,
): Promise<Result[][]> {
  const results = contenders.map((): Result[] => []);
  for (let round = 0; round < rounds; round++) {
    for (const [index, contender] of contenders.entries()) {
      results[index]?.push(await measure(contender, round));
    }
  }
  return results;
}

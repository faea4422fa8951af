/** F(start) … F(start + count - 1) by plain BigInt addition: the reference the CLI is checked against. */
export function fibonacciReference(start: number, count: number): bigint[] {
  const values: bigint[] = [];
  let [a, b] = [0n, 1n];
  for (let index = 0; index < start + count; index += 1) {
    if (index >= start) values.push(a);
    [a, b] = [b, a + b];
  }
  return values;
}

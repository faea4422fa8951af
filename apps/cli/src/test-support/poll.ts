/**
 * Checks `condition` every `intervalMs` until it returns something other than `undefined` or
 * `false`, and returns that; after `tries` checks it throws an error naming `what`, with the
 * last `describe()` output to show what was seen instead.
 */
export async function waitFor<T>(
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  options: {
    readonly what: string;
    readonly tries?: number;
    readonly intervalMs?: number;
    readonly describe?: () => string;
  },
): Promise<T> {
  const tries = options.tries ?? 100;
  const intervalMs = options.intervalMs ?? 50;
  for (let attempt = 1; attempt <= tries; attempt += 1) {
    const result = await condition();
    if (result !== undefined && result !== false) return result;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const seen = options.describe === undefined ? "" : `\n--- last seen ---\n${options.describe()}`;
  throw new Error(`timed out waiting for ${options.what} (${tries} × ${intervalMs}ms)${seen}`);
}

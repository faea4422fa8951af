const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PARTS = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/**
 * Parses a duration such as `500ms`, `5s`, `1.5m` or `1m30s` into whole milliseconds. Every number
 * needs a unit, because a bare `5` could mean seconds or milliseconds. Throws a `RangeError`
 * whose message says what is accepted for anything else, including durations under 1ms.
 */
export function parseDuration(text: string): number {
  if (!WHOLE.test(text)) {
    throw new RangeError(
      `"${text}" is not a duration: use a number with a unit, such as 500ms, 5s, 2m or 1m30s`,
    );
  }
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PARTS)) {
    if (amount !== undefined && isUnit(unit)) total += Number(amount) * UNIT_MS[unit];
  }
  const ms = Math.round(total);
  if (ms < 1) throw new RangeError(`"${text}" is too short: a duration must be at least 1ms`);
  if (!Number.isSafeInteger(ms)) throw new RangeError(`"${text}" is too long`);
  return ms;
}

/** Formats milliseconds the way people write them: `500ms`, `5s`, `1.5s`, `2m`, `1h`. */
export function formatDuration(ms: number): string {
  for (const unit of ["h", "m", "s"] as const) {
    if (ms >= UNIT_MS[unit]) return `${Number((ms / UNIT_MS[unit]).toFixed(3))}${unit}`;
  }
  return `${ms}ms`;
}

function isUnit(unit: string | undefined): unit is keyof typeof UNIT_MS {
  return unit !== undefined && Object.hasOwn(UNIT_MS, unit);
}

import { ConfigError } from "./option.js";

/** Parses a whole number in `[min, max]`. */
export function integer(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const value = Number(raw.trim());
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new ConfigError(`"${raw}" is not a whole number from ${min} to ${max}`);
    }
    return value;
  };
}

/** Parses `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`). */
export function boolean(raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (["true", "1", "yes", "on"].includes(value)) return true;
  if (["false", "0", "no", "off"].includes(value)) return false;
  throw new ConfigError(`"${raw}" is not true or false`);
}

/** Any non-empty string, trimmed. */
export function nonEmpty(raw: string): string {
  const value = raw.trim();
  if (value === "") throw new ConfigError("the value is empty");
  return value;
}

/** A string that may be empty (meaning "not set"). */
export function optionalString(raw: string): string {
  return raw.trim();
}

/** One of a fixed set of words. */
export function oneOf<const T extends string>(choices: readonly T[]): (raw: string) => T {
  return (raw) => {
    const found = choices.find((choice) => choice === raw.trim());
    if (found === undefined) throw new ConfigError(`"${raw}" is not one of ${choices.join(", ")}`);
    return found;
  };
}

const durationUnits: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Parses a duration like `500ms`, `10s`, `5m`, `2h`, `30d` (a bare number is milliseconds) into ms. */
export function duration(raw: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(raw.trim());
  const unit = durationUnits[match?.[2] ?? "ms"];
  if (!match || unit === undefined) {
    throw new ConfigError(`"${raw}" is not a duration such as 500ms, 10s, 5m, 2h or 30d`);
  }
  return Math.round(Number(match[1]) * unit);
}

/** Formats milliseconds the way {@link duration} reads them. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

const byteUnits: Readonly<Record<string, number>> = {
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
};

/** Parses a size like `4MiB`, `512KiB`, `1000000` (bytes) into a byte count up to 2 GiB. */
export function bytes(raw: string): number {
  const match = /^(\d+)\s*([a-zA-Z]+)?$/.exec(raw.trim());
  const unit = byteUnits[(match?.[2] ?? "b").toLowerCase()];
  const value = match && unit !== undefined ? Number(match[1]) * unit : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1 || value > 2 ** 31 - 1) {
    throw new ConfigError(
      `"${raw}" is not a size from 1 byte to 2GiB, such as 4MiB, 512KiB or 65536`,
    );
  }
  return value;
}

/** Formats a byte count the way {@link bytes} reads it. */
export function formatBytes(value: number): string {
  for (const [unit, size] of [
    ["GiB", 1024 ** 3],
    ["MiB", 1024 ** 2],
    ["KiB", 1024],
  ] as const) {
    if (value >= size && value % size === 0) return `${value / size}${unit}`;
  }
  return `${value}`;
}

/** A host and a TCP port. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses `HOST:PORT` (`[::1]:9464` for IPv6; port 0 picks a free one), or the empty string,
 * meaning "off", into `undefined`.
 */
export function optionalHostPort(raw: string): HostPort | undefined {
  const value = raw.trim();
  if (value === "") return undefined;
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(value);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !Number.isSafeInteger(port) || port > 65535) {
    throw new ConfigError(`"${raw}" is not HOST:PORT, such as 127.0.0.1:9464 or [::1]:0`);
  }
  return { host, port };
}

/** Formats what {@link optionalHostPort} reads. */
export function formatHostPort(value: HostPort | undefined): string {
  if (value === undefined) return "off";
  return `${value.host.includes(":") ? `[${value.host}]` : value.host}:${value.port}`;
}

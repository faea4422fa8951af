import { resolve } from "node:path";
import { ConfigError } from "@fibchat/server-kit";

/** Which backend holds the messages, as named by `--store`. */
export type StoreLocation =
  | { readonly kind: "memory" }
  | { readonly kind: "sqlite"; readonly path: string }
  | { readonly kind: "redis"; readonly url: string };

/**
 * Reads a `--store` value: `memory`, `sqlite:PATH` (resolved against the working directory) or a
 * `redis://` / `rediss://` URL. Throws `ConfigError` for anything else.
 */
export function parseStoreLocation(raw: string): StoreLocation {
  const value = raw.trim();
  if (value === "memory") return { kind: "memory" };
  if (value.startsWith("sqlite:")) {
    const path = value.slice("sqlite:".length);
    if (path === "")
      throw new ConfigError("sqlite: needs a file path, e.g. sqlite:data/chat.sqlite");
    return { kind: "sqlite", path: resolve(path) };
  }
  if (/^rediss?:\/\//.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new ConfigError(`"${value}" is not a valid URL; use redis://HOST:PORT[/DB]`);
    }
    return { kind: "redis", url: value };
  }
  throw new ConfigError(
    `"${value}" is not a store: use sqlite:PATH, memory, or redis://HOST:PORT[/DB]`,
  );
}

/** A store location as a person reads it (no credentials of a Redis URL). */
export function describeStoreLocation(location: StoreLocation): string {
  if (location.kind === "memory") return "memory";
  if (location.kind === "sqlite") return `sqlite:${location.path}`;
  const url = new URL(location.url);
  url.username = "";
  url.password = "";
  return url.toString();
}

import { resolve } from "node:path";
import { ConfigError } from "@fibchat/server-kit";
import { parseClusterUrl } from "./store/redis-cluster-url.js";

/** Which backend holds the messages, as named by `--store`. */
export type StoreLocation =
  | { readonly kind: "memory" }
  | { readonly kind: "sqlite"; readonly path: string }
  | { readonly kind: "redis"; readonly url: string }
  | { readonly kind: "redis-cluster"; readonly url: string };

/**
 * Reads a `--store` value: `memory`, `sqlite:PATH` (resolved against the working directory) or a
 * `redis://` / `rediss://` URL, or a `redis-cluster://HOST:PORT[,HOST:PORT…]` /
 * `rediss-cluster://…` list of Redis Cluster nodes. Throws `ConfigError` for anything else.
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
  if (/^rediss?-cluster:\/\//.test(value)) {
    try {
      parseClusterUrl(value);
    } catch (error) {
      throw new ConfigError(error instanceof Error ? error.message : String(error));
    }
    return { kind: "redis-cluster", url: value };
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
    `"${value}" is not a store: use sqlite:PATH, memory, redis://HOST:PORT[/DB] or redis-cluster://HOST:PORT[,HOST:PORT…]`,
  );
}

/** A store location as a person reads it (no credentials of a Redis URL). */
export function describeStoreLocation(location: StoreLocation): string {
  if (location.kind === "memory") return "memory";
  if (location.kind === "sqlite") return `sqlite:${location.path}`;
  if (location.kind === "redis-cluster") return location.url.replace(/\/\/[^@/]*@/, "//");
  const url = new URL(location.url);
  url.username = "";
  url.password = "";
  return url.toString();
}

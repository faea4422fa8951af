import { ConfigError, type OptionSpec, parsers, serverOptions } from "@fibchat/server-kit";
import { DEFAULT_FEED_CAPACITY } from "./room-feed/index.js";
import { DEFAULT_MAX_TEXT_BYTES } from "./rules/index.js";
import {
  DEFAULT_MAX_SESSIONS_PER_USER,
  DEFAULT_POST_BURST,
  DEFAULT_POST_RATE,
} from "./service/chat-limits.js";
import { DEFAULT_PRESENCE_TTL_MS, DEFAULT_REPLICATION_TIMEOUT_MS } from "./store/redis-defaults.js";
import { DEFAULT_TRIM_INTERVAL_MS } from "./store/retention-trimmer.js";
import { parseStoreLocation, type StoreLocation } from "./store-location.js";

/** Default port of the chat server. */
export const DEFAULT_PORT = 50052;

const chatOnly = {
  store: {
    kind: "value",
    flag: "store",
    env: "FIBCHAT_CHAT_STORE",
    valueName: "STORE",
    description:
      "where messages live: sqlite:PATH (a file; its folder is created), memory (lost on exit), redis://HOST:PORT[/DB] (rediss:// for TLS), which every instance using it shares, or a Redis Cluster: redis-cluster://HOST:PORT[,HOST:PORT…] (rediss-cluster:// for TLS)",
    default: parseStoreLocation("sqlite:data/chat.sqlite"),
    parse: parseStoreLocation,
    formatDefault: () => "sqlite:data/chat.sqlite (relative to the working directory)",
  } satisfies OptionSpec<StoreLocation>,
  maxQueue: {
    kind: "value",
    flag: "max-queue",
    env: "FIBCHAT_CHAT_MAX_QUEUE",
    valueName: "N",
    description:
      "messages a session or follow stream may fall behind before it is ended with RESOURCE_EXHAUSTED",
    default: DEFAULT_FEED_CAPACITY,
    parse: parsers.integer(1, 1_000_000),
  } satisfies OptionSpec<number>,
  maxTextBytes: {
    kind: "value",
    flag: "max-text-bytes",
    env: "FIBCHAT_CHAT_MAX_TEXT_BYTES",
    valueName: "N",
    description: "longest message text accepted, in bytes of UTF-8",
    default: DEFAULT_MAX_TEXT_BYTES,
    parse: parsers.integer(1, 512 * 1024),
  } satisfies OptionSpec<number>,
  postRate: {
    kind: "value",
    flag: "post-rate",
    env: "FIBCHAT_CHAT_POST_RATE",
    valueName: "PER_SECOND",
    description:
      "posts per second one user (an address, for anonymous callers) may keep up on this instance; faster posts are rejected with a retry hint. 0: unlimited",
    default: DEFAULT_POST_RATE,
    parse: parsers.integer(0, 1_000_000),
  } satisfies OptionSpec<number>,
  postBurst: {
    kind: "value",
    flag: "post-burst",
    env: "FIBCHAT_CHAT_POST_BURST",
    valueName: "N",
    description: "posts one user may send at once before --post-rate applies",
    default: DEFAULT_POST_BURST,
    parse: parsers.integer(1, 1_000_000),
  } satisfies OptionSpec<number>,
  maxSessionsPerUser: {
    kind: "value",
    flag: "max-sessions-per-user",
    env: "FIBCHAT_CHAT_MAX_SESSIONS_PER_USER",
    valueName: "N",
    description:
      "open chat sessions and follow streams one user (an address, for anonymous callers) may hold on this instance; more are refused with RESOURCE_EXHAUSTED. 0: unlimited",
    default: DEFAULT_MAX_SESSIONS_PER_USER,
    parse: parsers.integer(0, 1_000_000),
  } satisfies OptionSpec<number>,
  presenceTtlMs: {
    kind: "value",
    flag: "presence-ttl",
    env: "FIBCHAT_CHAT_PRESENCE_TTL",
    valueName: "DURATION",
    description:
      "with a Redis store: how long a session stays listed without its instance's heartbeat (sent every third of it), so the members of an instance killed outright are gone from listings within it and from other instances' join/leave events within 4/3 of it",
    default: DEFAULT_PRESENCE_TTL_MS,
    parse: (raw) => {
      const ms = parsers.duration(raw);
      if (ms < 300 || ms > 3_600_000)
        throw new ConfigError(`--presence-ttl must be from 300ms to 1h, got ${raw}`);
      return ms;
    },
    formatDefault: parsers.formatDuration,
  } satisfies OptionSpec<number>,
  redisMinReplicasAcked: {
    kind: "value",
    flag: "redis-min-replicas-acked",
    env: "FIBCHAT_CHAT_REDIS_MIN_REPLICAS_ACKED",
    valueName: "N",
    description:
      "with a Redis Cluster store: replicas that must have a post (Redis WAIT) before it is acknowledged; a post they do not confirm within --redis-replication-timeout is answered UNAVAILABLE (retry with the same client_message_id). 0: acknowledge once the master has it (a failover can then lose acknowledged posts)",
    default: undefined,
    parse: (raw) => parsers.integer(0, 16)(raw),
    formatDefault: () => "1 on a cluster whose masters have replicas, else 0",
  } satisfies OptionSpec<number | undefined>,
  redisReplicationTimeoutMs: {
    kind: "value",
    flag: "redis-replication-timeout",
    env: "FIBCHAT_CHAT_REDIS_REPLICATION_TIMEOUT",
    valueName: "DURATION",
    description:
      "with a Redis Cluster store: how long a post waits for --redis-min-replicas-acked replicas before it is answered UNAVAILABLE",
    default: DEFAULT_REPLICATION_TIMEOUT_MS,
    parse: (raw) => {
      const ms = parsers.duration(raw);
      if (ms < 1 || ms > 60_000)
        throw new ConfigError(`--redis-replication-timeout must be from 1ms to 60s, got ${raw}`);
      return ms;
    },
    formatDefault: parsers.formatDuration,
  } satisfies OptionSpec<number>,
  retainMessages: {
    kind: "value",
    flag: "retain-messages",
    env: "FIBCHAT_CHAT_RETAIN_MESSAGES",
    valueName: "N",
    description:
      "keep at most the newest N messages per room, removing older ones in the background; reads from before the oldest kept get OUT_OF_RANGE. 0: keep all",
    default: 0,
    parse: parsers.integer(0, Number.MAX_SAFE_INTEGER),
    formatDefault: () => "0 (keep all)",
  } satisfies OptionSpec<number>,
  retainFor: {
    kind: "value",
    flag: "retain-for",
    env: "FIBCHAT_CHAT_RETAIN_FOR",
    valueName: "DURATION",
    description:
      "remove messages older than this (30d, 12h …) in the background; reads from before the oldest kept get OUT_OF_RANGE. 0 or off: keep all",
    default: 0,
    parse: retentionAge,
    formatDefault: () => "off",
  } satisfies OptionSpec<number>,
  retentionInterval: {
    kind: "value",
    flag: "retention-interval",
    env: "FIBCHAT_CHAT_RETENTION_INTERVAL",
    valueName: "DURATION",
    description:
      "pause between two background retention passes (each removes at most 500 messages per room and transaction); unused without --retain-messages or --retain-for",
    default: DEFAULT_TRIM_INTERVAL_MS,
    parse: parsers.duration,
    formatDefault: parsers.formatDuration,
  } satisfies OptionSpec<number>,
};

/** Reads a retention age: a duration, or 0 or `off` for none. */
function retentionAge(raw: string): number {
  if (raw.trim() === "off") return 0;
  const ms = parsers.duration(raw);
  if (ms !== 0 && ms < 1_000) {
    throw new ConfigError(`--retain-for ${raw} is under a second: give 0 (off) or a longer age`);
  }
  return ms;
}

/** Every option of `fibchat-chat-server`: the common server options and its own. */
export const chatServerOptions = { ...serverOptions("FIBCHAT_CHAT", DEFAULT_PORT), ...chatOnly };

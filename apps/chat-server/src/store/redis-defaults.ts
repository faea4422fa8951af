/*
 * Defaults of the Redis stores' settings, in a module of their own so that the command line can
 * show them without loading a Redis client.
 */

/** The default of `--redis-replication-timeout`. */
export const DEFAULT_REPLICATION_TIMEOUT_MS = 1_000;

/** The default of `--presence-ttl`: how long a session's registration lasts without a heartbeat. */
export const DEFAULT_PRESENCE_TTL_MS = 15_000;

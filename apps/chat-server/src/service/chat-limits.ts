import {
  type CallContext,
  createPerKeyConcurrency,
  createTokenBuckets,
  type PerKeyConcurrency,
  type TokenBuckets,
} from "@fibchat/server-kit";

/**
 * `--post-rate`: far above a person typing (a fast typist sends a message every few seconds), so
 * only scripts and floods meet it.
 */
export const DEFAULT_POST_RATE = 20;
/** `--post-burst`: room for a pasted block of lines or a client resending after a rejoin. */
export const DEFAULT_POST_BURST = 40;
/**
 * `--max-sessions-per-user`: a person with a few rooms open in a few clients, plus follow streams,
 * stays well below it; one client cannot hold thousands of streams (each holds a feed queue of up
 * to `--max-queue` messages).
 */
export const DEFAULT_MAX_SESSIONS_PER_USER = 16;

/** The per-instance limits of one chat server; an absent limit is off. */
export interface ChatLimits {
  /** `--post-rate` and `--post-burst`, per limit key. */
  readonly posts?: TokenBuckets;
  /** `--max-sessions-per-user`: open sessions and follow streams, per limit key. */
  readonly sessions?: PerKeyConcurrency;
}

/**
 * Builds the {@link ChatLimits} a configuration asks for; 0 turns a limit off. `now` is the
 * rate limit's clock in milliseconds (a test's own, or `performance.now`).
 */
export function createChatLimits(
  config: {
    readonly postRate: number;
    readonly postBurst: number;
    readonly maxSessionsPerUser: number;
  },
  now?: () => number,
): ChatLimits {
  return {
    ...(config.postRate > 0 && {
      posts: createTokenBuckets({
        ratePerSecond: config.postRate,
        burst: config.postBurst,
        ...(now !== undefined && { now }),
      }),
    }),
    ...(config.maxSessionsPerUser > 0 && {
      sessions: createPerKeyConcurrency(config.maxSessionsPerUser),
    }),
  };
}

/** Whom a limit counts for this caller, as a reason tells it: a user, or an address. */
export function limitedPer(context: CallContext): string {
  return context.principal.kind === "user" ? "per user" : "per client address";
}

/** A post refused for its sender's rate: the reason, and when the same post will be taken. */
export interface RateRejection {
  readonly reason: string;
  readonly retryAfterMs: number;
}

/**
 * Takes a post from the caller's allowance: `undefined` when it may be stored, else the reason to
 * reject it with and how long to wait.
 */
export function postRateRejection(
  posts: TokenBuckets | undefined,
  context: CallContext,
): RateRejection | undefined {
  if (posts === undefined) return undefined;
  const taken = posts.take(context.limitKey);
  if (taken.ok) return undefined;
  const { retryAfterMs } = taken;
  return {
    reason: `rate limited: at most ${posts.ratePerSecond} post${posts.ratePerSecond === 1 ? "" : "s"} per second (burst ${posts.burst}) ${limitedPer(context)}; retry in ${retryAfterMs} ms`,
    retryAfterMs,
  };
}

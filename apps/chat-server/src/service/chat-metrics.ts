/** Why a post was answered `rejected` rather than stored: a bounded set, for metrics. */
export type RejectReason = "invalid" | "permission" | "rate_limited";

/** The readers a message is delivered to: chat sessions, and `GetMessages` streams. */
export type ReaderKind = "session" | "follow";

/**
 * Counters of the chat service, as plain numbers: the service adds to them, and the metrics
 * endpoint (chat-prometheus.ts) and tests read them.
 */
export interface ChatMetrics {
  /**
   * The most live messages that ever waited for one reader (a session or a follow stream) at
   * once: never more than `--max-queue`, whatever the readers do.
   */
  feedQueueHighWaterMark: number;
  /** `GetMessages` calls with `follow` open now. */
  followStreamsOpen: number;
  /** Posts this instance stored (acknowledged, not as duplicates). */
  messagesStored: number;
  /** Messages written to readers, by kind of reader: the fan-out. */
  readonly delivered: Record<ReaderKind, number>;
  /** Readers cut off with `RESOURCE_EXHAUSTED` for falling more than `--max-queue` behind. */
  readonly slowConsumerCutoffs: Record<ReaderKind, number>;
  /** Posts answered `rejected`, by reason. */
  readonly rejectedPosts: Record<RejectReason, number>;
}

/** Fresh counters, all zero. */
export function createChatMetrics(): ChatMetrics {
  return {
    feedQueueHighWaterMark: 0,
    followStreamsOpen: 0,
    messagesStored: 0,
    delivered: { session: 0, follow: 0 },
    slowConsumerCutoffs: { session: 0, follow: 0 },
    rejectedPosts: { invalid: 0, permission: 0, rate_limited: 0 },
  };
}

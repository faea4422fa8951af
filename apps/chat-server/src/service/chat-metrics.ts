/** Counters of the chat service, for tests and for whoever wants to export them. */
export interface ChatMetrics {
  /**
   * The most live messages that ever waited for one reader (a session or a follow stream) at
   * once: never more than `--max-queue`, whatever the readers do.
   */
  feedQueueHighWaterMark: number;
}

/** Fresh counters. */
export function createChatMetrics(): ChatMetrics {
  return { feedQueueHighWaterMark: 0 };
}

/** Posts of one session recorded as span events; a long session's span stays small. */
export const TRACED_POSTS = 16;

/** What becomes of a post, as a span event records it. */
export type PostOutcome = "ack" | "duplicate" | "rejected";

/**
 * Events on a chat session's span (one span per session, opened by the server's tracing
 * interceptor): the join, and the first {@link TRACED_POSTS} posts. Does nothing when the session
 * has no recording span.
 */
export interface SessionTrace {
  joined(room: string, replayAfterId: bigint | undefined): void;
  posted(outcome: PostOutcome, reason?: string, messageId?: bigint): void;
}

/** Opens the trace of a session that is starting (see ChatServiceDeps.traceSession). */
export type SessionTracer = () => SessionTrace;

/** The trace of a server that does not trace: records nothing. */
export const untracedSession: SessionTracer = () => UNTRACED;

const UNTRACED: SessionTrace = { joined() {}, posted() {} };

import { type Span, trace } from "@opentelemetry/api";

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

/** A {@link SessionTrace} on the span active now (the session's, when tracing is on). */
export function createSessionTrace(): SessionTrace {
  const span: Span | undefined = trace.getActiveSpan();
  if (span === undefined || !span.isRecording()) return { joined() {}, posted() {} };
  let posts = 0;
  return {
    joined(room, replayAfterId) {
      span.addEvent("chat.join", {
        "chat.room": room,
        ...(replayAfterId !== undefined && { "chat.replay_after_id": replayAfterId.toString() }),
      });
    },
    posted(outcome, reason, messageId) {
      posts += 1;
      if (posts > TRACED_POSTS) return;
      span.addEvent("chat.post", {
        "chat.post.outcome": outcome,
        ...(reason !== undefined && { "chat.post.reject_reason": reason }),
        ...(messageId !== undefined && { "chat.message_id": messageId.toString() }),
      });
    },
  };
}

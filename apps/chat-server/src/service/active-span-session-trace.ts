import { type Span, trace } from "@opentelemetry/api";
import { type SessionTrace, TRACED_POSTS, untracedSession } from "./session-trace.js";

/**
 * A {@link SessionTrace} on the span active now (the session's, opened by the server's tracing
 * interceptor). Loaded only by a server that traces: the OpenTelemetry API stays out of the rest.
 */
export function activeSpanSessionTrace(): SessionTrace {
  const span: Span | undefined = trace.getActiveSpan();
  if (span === undefined || !span.isRecording()) return untracedSession();
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

import type {
  SendAndReceiveMessageRequest,
  SendAndReceiveMessageResponse,
} from "@fibchat/contracts/chat/v1";
import { type CallContext, RpcError } from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import type { PresenceRegistry } from "../presence/index.js";
import type { ConnectedSessions } from "../room-feed/index.js";
import type { MessageStore } from "../store/index.js";
import type { ChatLimits } from "./chat-limits.js";
import type { ChatMetrics } from "./chat-metrics.js";
import type { MessageDeliveries } from "./message-deliveries.js";
import { joinRoom, type RoomSession } from "./room-session.js";
import { takeSessionSlot } from "./session-slot.js";
import type { SessionTracer } from "./session-trace.js";
import { slowConsumerStatus } from "./slow-consumer-status.js";
import { asStatus } from "./unavailable-status.js";

/** What a chat session needs. */
export interface ChatSessionDeps {
  readonly store: MessageStore;
  readonly sessions: ConnectedSessions;
  readonly maxQueue: number;
  readonly maxTextBytes: number;
  readonly metrics: ChatMetrics;
  readonly limits: ChatLimits;
  readonly presence: PresenceRegistry;
  /** The one response object per stored message that every session delivering it sends. */
  readonly deliveries: MessageDeliveries;
  /** Opens each session's trace (its span's join and post events). */
  readonly traceSession: SessionTracer;
}

/**
 * `SendAndReceiveMessage`: a join, then posts answered with acks (or rejections), interleaved
 * with every message other sessions store in the room (after a replay when asked), until the
 * client half-closes and every post is answered. The session holds one of the caller's
 * `--max-sessions-per-user` slots from its start to its end.
 */
export function createChatSession(deps: ChatSessionDeps) {
  return (requests: AsyncIterable<SendAndReceiveMessageRequest>, context: CallContext) =>
    session(requests, context, deps, takeSessionSlot(deps.limits.sessions, context));
}

// One generator for the whole session, not one delegating to another: each layer of `yield*`
// costs every message the session sends a few more promise reactions (bench/results/NOTES.md §10).
async function* session(
  requests: AsyncIterable<SendAndReceiveMessageRequest>,
  context: CallContext,
  deps: ChatSessionDeps,
  releaseSlot: () => void,
): AsyncGenerator<SendAndReceiveMessageResponse> {
  let joined: RoomSession | undefined;
  try {
    const input = requests[Symbol.asyncIterator]();
    const first = await input.next();
    // A client may half-close without sending anything (gRPC interop `empty_stream`): end OK.
    if (first.done) return;
    const join = first.value.action?.$case === "join" ? first.value.action.value : undefined;
    if (join === undefined) {
      throw new RpcError(
        status.FAILED_PRECONDITION,
        "the first request of a session must be join: send join { room, author } first",
      );
    }
    joined = joinRoom(join, input, context, deps);
    const { room, author, inbox, ownPosts, memberEvents } = joined;
    // Registered before any post is read: the join event reaches every listener before a
    // message of this author can be stored (chat.proto, member_joined).
    joined.leavePresence = await asStatus(deps.presence.enter(room, author));
    joined.pullAnswer();
    if (join.confirmJoin) yield { event: { $case: "joined", value: { room, author } } };
    for (;;) {
      const event = await inbox.take();
      if (event.kind === "presence") {
        memberEvents?.taken();
        yield event.response;
        continue;
      }
      if (event.kind === "answer") {
        // The client half-closed and every post is answered: the session is over.
        if (event.result.done) return;
        yield event.result.value;
        joined.pullAnswer();
        continue;
      }
      // A feed only ends when the session's signal aborts; the loop then ends through it.
      if (event.result.done) continue;
      const message = event.result.value;
      joined.pullMessage();
      // Own posts were acknowledged; the session receives the messages of the others. Most
      // messages are told apart without waiting (OwnPosts.isOwn).
      const own = ownPosts.isOwn(message);
      if (own === true || (own !== false && (await own))) continue;
      deps.metrics.delivered.session += 1;
      yield deps.deliveries.responseTo(message);
    }
  } catch (error) {
    throw slowConsumerStatus(error, "replay_after_id");
  } finally {
    joined?.close();
    releaseSlot();
  }
}

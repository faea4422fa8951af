import type {
  JoinRoom,
  SendAndReceiveMessageRequest,
  SendAndReceiveMessageResponse,
} from "@fibchat/contracts/chat/v1";
import { type CallContext, hasScope, RpcError, scopeRefusal } from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import type { LeaveRoom, PresenceRegistry } from "../presence/index.js";
import { type ConnectedSessions, createOwnPosts, openRoomFeed } from "../room-feed/index.js";
import { parseRoom } from "../rules/index.js";
import type { MessageStore, StoredMessage } from "../store/index.js";
import { answerPosts } from "./answer-posts.js";
import type { ChatLimits } from "./chat-limits.js";
import { postRateRejection } from "./chat-limits.js";
import type { ChatMetrics } from "./chat-metrics.js";
import { createInbox } from "./inbox.js";
import { presenceEvents } from "./presence-events.js";
import { required } from "./request-rules.js";
import { sessionAuthor } from "./session-author.js";
import { holdingSessionSlot } from "./session-slot.js";
import { createSessionTrace } from "./session-trace.js";
import { slowConsumerRpcError, slowConsumerStatus } from "./slow-consumer-status.js";
import { toChatMessage } from "./to-chat-message.js";
import { asStatus } from "./unavailable-status.js";

/** What the session loop waits for: an answer to a post, a message of the room, or a member event. */
type SessionEvent =
  | { readonly kind: "answer"; readonly result: IteratorResult<SendAndReceiveMessageResponse> }
  | { readonly kind: "message"; readonly result: IteratorResult<StoredMessage> }
  | { readonly kind: "presence"; readonly response: SendAndReceiveMessageResponse };

/** What a chat session needs. */
export interface ChatSessionDeps {
  readonly store: MessageStore;
  readonly sessions: ConnectedSessions;
  readonly maxQueue: number;
  readonly maxTextBytes: number;
  readonly metrics: ChatMetrics;
  readonly limits: ChatLimits;
  readonly presence: PresenceRegistry;
}

/**
 * `SendAndReceiveMessage`: a join, then posts answered with acks (or rejections), interleaved
 * with every message other sessions store in the room (after a replay when asked), until the
 * client half-closes and every post is answered. The session holds one of the caller's
 * `--max-sessions-per-user` slots from its start to its end.
 */
export function createChatSession(deps: ChatSessionDeps) {
  return (requests: AsyncIterable<SendAndReceiveMessageRequest>, context: CallContext) =>
    holdingSessionSlot(deps.limits.sessions, context, () => session(requests, context, deps));
}

async function* session(
  requests: AsyncIterable<SendAndReceiveMessageRequest>,
  context: CallContext,
  deps: ChatSessionDeps,
): AsyncGenerator<SendAndReceiveMessageResponse> {
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
  yield* inRoom(join, input, context, deps);
}

async function* inRoom(
  join: JoinRoom,
  input: AsyncIterator<SendAndReceiveMessageRequest>,
  context: CallContext,
  { store, sessions, maxQueue, maxTextBytes, metrics, limits, presence }: ChatSessionDeps,
): AsyncGenerator<SendAndReceiveMessageResponse> {
  const room = required(parseRoom(join.room));
  const author = sessionAuthor(join.author, context.principal);
  const leave = sessions.enter(room);
  const done = new AbortController();
  const signal = AbortSignal.any([context.signal, done.signal]);
  const ownPosts = createOwnPosts(author);
  const roomFeed = openRoomFeed({
    store,
    room,
    afterId: join.replayAfterId,
    capacity: maxQueue,
    signal,
    // The feed is full while this session is blocked writing to its slow client: end the call
    // now rather than when the loop next reads the feed.
    onSlowConsumer: (error) => {
      metrics.slowConsumerCutoffs.session += 1;
      context.end(slowConsumerRpcError(error, "replay_after_id"));
    },
  });
  const feed = roomFeed[Symbol.asyncIterator]();
  const { principal } = context;
  const sessionTrace = createSessionTrace();
  sessionTrace.joined(room, join.replayAfterId);
  const postingDenied = hasScope(principal, "chat.write")
    ? undefined
    : `posting needs the chat.write scope; ${scopeRefusal("chat.write", principal)}`;
  const answers = answerPosts(input, {
    store,
    room,
    author,
    maxTextBytes,
    ownPosts,
    postingDenied,
    takeAllowance: () => postRateRejection(limits.posts, context),
    metrics,
    trace: sessionTrace,
  });
  // One pending `next()` per source, each handing its result to the inbox exactly once.
  const inbox = createInbox<SessionEvent>();
  const pullAnswer = () =>
    answers.next().then((result) => inbox.push({ kind: "answer", result }), inbox.fail);
  const pullMessage = () =>
    feed.next().then((result) => inbox.push({ kind: "message", result }), inbox.fail);
  pullMessage();
  const memberEvents = join.presenceEvents
    ? presenceEvents({
        presence,
        room,
        author,
        capacity: maxQueue,
        push: (response) => inbox.push({ kind: "presence", response }),
        fail: inbox.fail,
      })
    : undefined;
  let leavePresence: LeaveRoom | undefined;
  try {
    // Registered before any post is read: the join event reaches every listener before a
    // message of this author can be stored (chat.proto, member_joined).
    leavePresence = await asStatus(presence.enter(room, author));
    pullAnswer();
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
        pullAnswer();
        continue;
      }
      // A feed only ends when the session's signal aborts; the loop then ends through it.
      if (event.result.done) continue;
      const message = event.result.value;
      pullMessage();
      // Own posts were acknowledged; the session receives the messages of the others.
      if (!(await ownPosts.isOwn(message))) {
        metrics.delivered.session += 1;
        yield { event: { $case: "message", value: toChatMessage(message) } };
      }
    }
  } catch (error) {
    throw slowConsumerStatus(error, "replay_after_id");
  } finally {
    metrics.feedQueueHighWaterMark = Math.max(
      metrics.feedQueueHighWaterMark,
      roomFeed.queueHighWaterMark,
    );
    done.abort();
    leave();
    memberEvents?.stop();
    // Not awaited: the call ends now; a failed leave is ended by the presence TTL (Redis).
    leavePresence?.().catch(() => {});
    void answers.return(undefined).catch(() => {});
  }
}

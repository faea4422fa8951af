import type {
  JoinRoom,
  SendAndReceiveMessageRequest,
  SendAndReceiveMessageResponse,
} from "@fibchat/contracts/chat/v1";
import { type CallContext, hasScope, scopeRefusal } from "@fibchat/server-kit";
import type { LeaveRoom } from "../presence/index.js";
import { createOwnPosts, type OwnPosts, openRoomFeed } from "../room-feed/index.js";
import { parseRoom } from "../rules/index.js";
import type { StoredMessage } from "../store/index.js";
import { answerPosts } from "./answer-posts.js";
import { postRateRejection } from "./chat-limits.js";
import type { ChatSessionDeps } from "./chat-session.js";
import { createInbox, type Inbox } from "./inbox.js";
import { presenceEvents, type SessionPresenceEvents } from "./presence-events.js";
import { required } from "./request-rules.js";
import { sessionAuthor } from "./session-author.js";
import { slowConsumerRpcError } from "./slow-consumer-status.js";

/** What the session loop waits for: an answer to a post, a message of the room, or a member event. */
export type SessionEvent =
  | { readonly kind: "answer"; readonly result: IteratorResult<SendAndReceiveMessageResponse> }
  | { readonly kind: "message"; readonly result: IteratorResult<StoredMessage> }
  | { readonly kind: "presence"; readonly response: SendAndReceiveMessageResponse };

/** A session that has joined its room: its sources, all feeding one inbox. */
export interface RoomSession {
  readonly room: string;
  readonly author: string;
  readonly ownPosts: OwnPosts;
  /** Where the answers to posts, the room's messages and member events arrive, in order. */
  readonly inbox: Inbox<SessionEvent>;
  /** Undefined when the join did not ask for member events. */
  readonly memberEvents: SessionPresenceEvents | undefined;
  /** Asks for the next answer to a post; it arrives in the inbox. One at a time. */
  pullAnswer(): void;
  /** Asks for the next message of the room; it arrives in the inbox. One at a time. */
  pullMessage(): void;
  /** Set once the session's author is registered as present in the room. */
  leavePresence: LeaveRoom | undefined;
  /** Leaves the room: stops the feed, member events and the answering of posts. */
  close(): void;
}

/**
 * Joins the room `join` names: counts the session in, subscribes to the room's messages (after a
 * replay when asked) and to member events, and starts answering the posts read from `input`.
 * The first message is asked for at once; the first answer only once the caller has registered
 * the author's presence, so the join event goes out before any of their posts is stored.
 */
export function joinRoom(
  join: JoinRoom,
  input: AsyncIterator<SendAndReceiveMessageRequest>,
  context: CallContext,
  {
    store,
    sessions,
    maxQueue,
    maxTextBytes,
    metrics,
    limits,
    presence,
    traceSession,
  }: ChatSessionDeps,
): RoomSession {
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
  const sessionTrace = traceSession();
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
  const pushAnswer = (result: IteratorResult<SendAndReceiveMessageResponse>) =>
    inbox.push({ kind: "answer", result });
  const pushMessage = (result: IteratorResult<StoredMessage>) =>
    inbox.push({ kind: "message", result });
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
  const session: RoomSession = {
    room,
    author,
    ownPosts,
    inbox,
    memberEvents,
    pullAnswer: () => void answers.next().then(pushAnswer, inbox.fail),
    pullMessage: () => void feed.next().then(pushMessage, inbox.fail),
    leavePresence: undefined,
    close() {
      metrics.feedQueueHighWaterMark = Math.max(
        metrics.feedQueueHighWaterMark,
        roomFeed.queueHighWaterMark,
      );
      done.abort();
      leave();
      memberEvents?.stop();
      // Not awaited: the call ends now; a failed leave is ended by the presence TTL (Redis).
      session.leavePresence?.().catch(() => {});
      void answers.return(undefined).catch(() => {});
    },
  };
  session.pullMessage();
  return session;
}

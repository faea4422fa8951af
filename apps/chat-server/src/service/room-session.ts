import type { JoinRoom, SendAndReceiveMessageResponse } from "@fibchat/contracts/chat/v1";
import { type CallContext, hasScope, scopeRefusal } from "@fibchat/server-kit";
import type { LeaveRoom } from "../presence/index.js";
import { createOwnPosts, type OwnPosts, openRoomFeed } from "../room-feed/index.js";
import { parseRoom } from "../rules/index.js";
import type { StoredMessage } from "../store/index.js";
import type { PostingSession } from "./answer-posts.js";
import { postRateRejection } from "./chat-limits.js";
import type { ChatSessionDeps } from "./chat-session.js";
import { presenceEvents, type SessionPresenceEvents } from "./presence-events.js";
import { required } from "./request-rules.js";
import { sessionAuthor } from "./session-author.js";
import type { SessionTrace } from "./session-trace.js";
import { slowConsumerRpcError } from "./slow-consumer-status.js";

/** Where a joined room's messages and member events go. */
export interface RoomEvents {
  /** The next message of the room, as asked for with `pullMessage`; done once the feed ends. */
  message(result: IteratorResult<StoredMessage>): void;
  /** A member event (only when the join asked for them). */
  presence(response: SendAndReceiveMessageResponse): void;
  /** The feed or the member events failed: the session ends with `error`. */
  fail(error: unknown): void;
}

/** A session that has joined its room: its feed, member events and posting rules. */
export interface RoomSession {
  readonly room: string;
  readonly author: string;
  readonly ownPosts: OwnPosts;
  /** Undefined when the join did not ask for member events. */
  readonly memberEvents: SessionPresenceEvents | undefined;
  /** Who posts here, and under which rules: for answering the session's posts. */
  readonly posting: PostingSession;
  /** Asks for the next message of the room; it arrives at `events.message`. One at a time. */
  pullMessage(): void;
  /** Set once the session's author is registered as present in the room. */
  leavePresence: LeaveRoom | undefined;
  /** Leaves the room: stops the feed and member events, and the presence if registered. */
  close(): void;
}

/**
 * Joins the room `join` names: counts the session in, subscribes to the room's messages (after a
 * replay when asked) and to member events, both handed to `events`. Registering the author's presence is the caller's: it must be done before any of
 * their posts is stored, so the join event goes out first.
 */
export function joinRoom(
  join: JoinRoom,
  context: CallContext,
  { store, sessions, maxQueue, maxTextBytes, metrics, limits, presence }: ChatSessionDeps,
  trace: SessionTrace,
  events: RoomEvents,
): RoomSession {
  const room = required(parseRoom(join.room));
  const author = sessionAuthor(join.author, context.principal);
  const done = new AbortController();
  const signal = AbortSignal.any([context.signal, done.signal]);
  const ownPosts = createOwnPosts(author);
  // Opening the feed or the member events throws if the store has closed: nothing is left open.
  const { roomFeed, memberEvents } = openSources();
  const leave = sessions.enter(room);
  const { principal } = context;
  trace.joined(room, join.replayAfterId);
  const postingDenied = hasScope(principal, "chat.write")
    ? undefined
    : `posting needs the chat.write scope; ${scopeRefusal("chat.write", principal)}`;
  const posting: PostingSession = {
    store,
    room,
    author,
    maxTextBytes,
    ownPosts,
    postingDenied,
    takeAllowance: () => postRateRejection(limits.posts, context),
    metrics,
    trace,
  };

  function openSources() {
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
    try {
      const memberEvents = join.presenceEvents
        ? presenceEvents({
            presence,
            room,
            author,
            capacity: maxQueue,
            push: events.presence,
            fail: events.fail,
          })
        : undefined;
      return { roomFeed, memberEvents };
    } catch (error) {
      done.abort();
      throw error;
    }
  }

  const session: RoomSession = {
    room,
    author,
    ownPosts,
    memberEvents,
    posting,
    pullMessage: () => roomFeed.read(events.message, events.fail),
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
    },
  };
  return session;
}

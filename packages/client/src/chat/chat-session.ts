import { randomUUID } from "node:crypto";
import type { ChatMessage, ChatServiceClient, Member } from "@fibchat/contracts/chat/v1";
import type { Metadata } from "@grpc/grpc-js";
import type { PreparedCall } from "../call/call-options.js";
import {
  createReconnector,
  type ReconnectEvent,
  type ResumePolicy,
} from "../call/resume-policy.js";
import {
  FibchatError,
  PostRejectedError,
  type StatusName,
  toFibchatError,
} from "../fibchat-error.js";
import { createMessageQueue } from "./message-queue.js";
import { createPostPacer } from "./post-pacer.js";
import { openSessionCall, type PostAnswer, type SessionCall } from "./session-call.js";

/** Where and as whom a session joins. */
export interface JoinOptions {
  /** The room; empty or absent: `general`. */
  readonly room?: string;
  /**
   * Who posts: 1 to 64 characters. Leave it out on a server that identifies users (JWT or
   * client-certificate auth): the server binds the session to the signed-in user, and
   * {@link ChatSession.joined} tells who that is.
   */
  readonly author?: string | undefined;
  /**
   * First replay the stored messages with an id above this, then go on live; 0 replays every
   * message the server keeps. When retention removed the messages after a nonzero id, the session
   * ends with a `MessagesRemovedError` (`OUT_OF_RANGE`, with `oldestId`), as it does when a rejoin
   * finds the messages after the last one seen removed.
   */
  readonly replayAfterId?: bigint;
  /**
   * Also hear when another author's first session joins the room and their last one leaves it
   * ({@link SessionOptions.onPresence}); never of this session's own author.
   */
  readonly presenceEvents?: boolean;
}

/** Another author entered or left the room (see {@link JoinOptions.presenceEvents}). */
export interface PresenceChange {
  /** `joined`: their first session joined; `left`: their last one left, or its server stopped. */
  readonly kind: "joined" | "left";
  /** Who, since when (`joinedAt`), and their open sessions (1 on join, 0 on leave). */
  readonly member: Member;
}

/** How a session behaves. */
export interface SessionOptions {
  /** Aborting it cancels the session: unanswered posts and `closed` reject with `CANCELLED`. */
  readonly signal?: AbortSignal;
  /** Sent with every call of the session, after the client's own (the bearer token). */
  readonly metadata?: Metadata;
  /**
   * A gRPC deadline on each call of the session (`DEADLINE_EXCEEDED`), for a session that must
   * be over by then, like a one-off post. None by default: a session lasts as long as its user.
   */
  readonly timeoutMs?: number;
  /**
   * Rejoin when the call ends with `UNAVAILABLE` or `RESOURCE_EXHAUSTED` (default `true`): the
   * session replays after the last message it has seen and resends every unanswered post under
   * its `client_message_id`, so nothing is lost, skipped or stored twice.
   */
  readonly reconnect?: boolean | ResumePolicy;
  /** Told before each rejoin, with the failure that caused it. */
  readonly onReconnect?: (event: ReconnectEvent) => void;
  /**
   * Resend a post the server refused only for the sender's rate (`--post-rate`) once its
   * `retry_after_ms` has passed, under the same `client_message_id` (default `true`). Posts after
   * it wait their turn, in order, and {@link ChatSession.writable} waits meanwhile, so a client
   * that posts faster than the server allows is slowed down instead of refused. With `false` such
   * a post rejects with a `PostRejectedError` whose code is `RESOURCE_EXHAUSTED` and whose
   * `retryAfterMs` says when to try again.
   */
  readonly retryRateLimited?: boolean;
  /**
   * Told of each join and leave of another author, in order with the room's messages (an
   * author's join comes before their messages), when the join set `presenceEvents`. After a
   * rejoin it hears only what changes from then on: ask `listMembers` for who is there.
   */
  readonly onPresence?: (change: PresenceChange) => void;
  /**
   * Others' messages kept for {@link ChatSession.messages} (default `true`). With `false` they
   * are dropped as they arrive: for a session that only posts.
   */
  readonly receiveMessages?: boolean;
}

/** A post the server stored. */
export interface PostResult {
  /** The stored message: the new one, or the original when `duplicate`. */
  readonly message: ChatMessage;
  /** The caller repeated a `clientMessageId` already stored; nothing new was stored. */
  readonly duplicate: boolean;
}

/** Where a session joined, as the server confirmed it. */
export interface JoinedRoom {
  /** The room: `general` when none was given. */
  readonly room: string;
  /** The author the session posts as: the one given, or the server's signed-in user. */
  readonly author: string;
}

/** A chat session: posts, and others' messages in id order, across reconnects. */
export interface ChatSession {
  /**
   * Resolves once the server has accepted the join, with the room and the author it bound the
   * session to; rejects with the error that ended the session before that (for example
   * `PERMISSION_DENIED` for an author other than the signed-in user).
   */
  readonly joined: Promise<JoinedRoom>;
  /**
   * Posts `text`; resolves once the server has stored it. Rejects with a `PostRejectedError`
   * (code `INVALID_ARGUMENT`, the server's reason) when the post is refused and the session goes
   * on, or with the `FibchatError` that ended the session. Without `clientMessageId` the session
   * makes one.
   */
  post(text: string, options?: { readonly clientMessageId?: string }): Promise<PostResult>;
  /** Resolves when another post would not be buffered beyond the call's high-water mark. */
  writable(): Promise<void>;
  /**
   * Others' messages (replayed, then live), in id order, each once. Ends when the session ends;
   * throws the error that ended it. Iterate it once.
   */
  readonly messages: AsyncIterable<ChatMessage>;
  /** Half-closes; resolves once every post is answered and the session ended. */
  close(): Promise<void>;
  /** Ends the session at once; what is unanswered rejects with `CANCELLED`. */
  cancel(): void;
  /** Settles when the session is over: resolves after `close()`, rejects on failure. */
  readonly closed: Promise<void>;
}

interface Unanswered {
  readonly text: string;
  /** The post's place in the session's order: 1, 2, 3 … */
  readonly seq: number;
  /** Sent again after a rejoin: a server `duplicate` then means "stored by the first send". */
  resent: boolean;
  resolve(result: PostResult): void;
  reject(error: FibchatError): void;
}

// The statuses chat.proto ends a session with when the client should rejoin.
const RESUMABLE: ReadonlySet<StatusName> = new Set(["UNAVAILABLE", "RESOURCE_EXHAUSTED"]);
// Messages waiting for the reader before the session stops reading from the server.
const MAX_WAITING = 1_024;

/**
 * Opens a chat session on `client`. `prepare` makes each call's metadata and options; `target`
 * names the server in errors.
 */
export function openChatSession(
  client: ChatServiceClient,
  target: string,
  prepare: () => PreparedCall,
  join: JoinOptions,
  options: SessionOptions,
  /** The room's last id now: where a session that joins live stands, for a later rejoin. */
  roomHead: () => Promise<bigint>,
): ChatSession {
  const sessionId = randomUUID();
  const reconnector = createReconnector({
    resume: options.reconnect ?? true,
    codes: RESUMABLE,
    signal: options.signal,
    onReconnect: options.onReconnect,
  });
  const receive = options.receiveMessages ?? true;
  const retryRateLimited = options.retryRateLimited ?? true;
  const unanswered = new Map<string, Unanswered>();
  // Ids of this session's own stored posts above `lastSeen`: a replay brings them back.
  const own = new Set<bigint>();
  let lastSeen: bigint | undefined = join.replayAfterId;
  let posts = 0;
  let sequence = 0;
  let closing = false;
  let final: { readonly error: FibchatError } | undefined;
  let reconnecting: Promise<void> | undefined;
  let call: SessionCall | undefined;
  // Messages held back while resent posts are unanswered (see `deliver`).
  let held: ChatMessage[] | undefined;
  // Known once the server confirms the join (the author may be the server's signed-in user).
  let author: string | undefined = join.author;
  let onJoined: { resolve(room: JoinedRoom): void; reject(error: FibchatError): void } = {
    resolve: () => {},
    reject: () => {},
  };
  const joined = new Promise<JoinedRoom>((resolve, reject) => {
    onJoined = { resolve, reject };
  });
  joined.catch(() => {});

  const queue = createMessageQueue<ChatMessage>({
    high: MAX_WAITING,
    onPressure: (full) => call?.pause(full),
  });
  let onClosed: { resolve(): void; reject(error: FibchatError): void } = {
    resolve: () => {},
    reject: () => {},
  };
  const closed = new Promise<void>((resolve, reject) => {
    onClosed = { resolve, reject };
  });
  closed.catch(() => {});

  const finish = (error?: FibchatError) => {
    if (final !== undefined) return;
    if (error === undefined) {
      final = { error: new FibchatError("CANCELLED", "the chat session is closed", target) };
      queue.end();
      onClosed.resolve();
      return;
    }
    final = { error };
    onJoined.reject(error);
    for (const entry of unanswered.values()) entry.reject(error);
    unanswered.clear();
    queue.fail(error);
    onClosed.reject(error);
  };

  const answer = (clientMessageId: string, result: PostAnswer) => {
    const entry = unanswered.get(clientMessageId);
    if (entry === undefined) return;
    reconnector.progressed();
    if (result.kind === "rejected" && result.retryAfterMs !== undefined && retryRateLimited) {
      pacer.refused(clientMessageId, entry.seq, result.retryAfterMs);
      return;
    }
    unanswered.delete(clientMessageId);
    pacer.answered(clientMessageId);
    halfCloseWhenAnswered();
    if (result.kind === "rejected") {
      entry.reject(
        new PostRejectedError(
          result.reason,
          clientMessageId,
          target,
          result.retryAfterMs,
          result.code,
        ),
      );
      return;
    }
    if (result.kind === "invalid") {
      entry.reject(new FibchatError("INTERNAL", result.reason, target));
      return;
    }
    const { message } = result;
    if (lastSeen === undefined || message.id > lastSeen) own.add(message.id);
    entry.resolve({ message, duplicate: result.duplicate && !entry.resent });
    if (held !== undefined && !resending()) {
      const release = held;
      held = undefined;
      for (const message of release) deliver(message);
    }
  };

  const pacer = createPostPacer((clientMessageId) => {
    const entry = unanswered.get(clientMessageId);
    if (entry === undefined || reconnecting !== undefined || final !== undefined) return false;
    call?.post(entry.text, clientMessageId);
    return true;
  });
  closed.then(pacer.reset, pacer.reset);

  // A closing session half-closes only once every post is answered: a post the server refuses
  // for the rate is sent again on this call, which must still be open for it.
  const halfCloseWhenAnswered = () => {
    if (closing && unanswered.size === 0 && reconnecting === undefined) call?.end();
  };

  const resending = () => {
    for (const entry of unanswered.values()) if (entry.resent) return true;
    return false;
  };

  const deliver = (message: ChatMessage) => {
    reconnector.progressed();
    // A resent post the server had stored before the connection dropped comes back in the
    // replay before its (duplicate) ack tells its id: while resends are unanswered, this
    // author's messages, and everything after them to keep the order, wait for those acks.
    if (held !== undefined || (message.author === author && resending())) {
      held ??= [];
      held.push(message);
      return;
    }
    // After a rejoin the replay starts at `lastSeen`: anything at or below it was delivered, and
    // this session's own posts come back too (in id order, so they move `lastSeen` on).
    if (lastSeen !== undefined && message.id <= lastSeen) return;
    const mine = own.delete(message.id);
    lastSeen = message.id;
    for (const id of own) if (id <= message.id) own.delete(id);
    if (!mine && receive) queue.push(message);
  };

  const open = (replayAfterId: bigint | undefined) => {
    const current = openSessionCall(
      client,
      target,
      prepare(),
      {
        room: join.room ?? "",
        author: join.author ?? "",
        replayAfterId,
        confirmJoin: true,
        ...(join.presenceEvents ? { presenceEvents: true } : {}),
      },
      {
        message: deliver,
        answer,
        joined(room) {
          author = room.author;
          onJoined.resolve(room);
        },
        member(kind, member) {
          options.onPresence?.({ kind, member });
        },
      },
    );
    current.closed.then(
      () => {
        if (current !== call) return;
        if (unanswered.size > 0) {
          finish(
            new FibchatError(
              "INTERNAL",
              "the chat server ended the session without answering every post",
              target,
            ),
          );
        } else if (!closing) {
          finish(new FibchatError("UNAVAILABLE", "the chat server ended the session", target));
        } else finish();
      },
      (error: FibchatError) => {
        if (current === call) rejoin(error);
      },
    );
    return current;
  };

  /** Opens the call after `replayAfter`, and sends what waits: unanswered posts, a half-close. */
  const connect = (replayAfter: bigint | undefined, resend: boolean) => {
    held = undefined;
    // Every unanswered post goes out again below, those waiting for the rate too.
    pacer.reset();
    const current = open(replayAfter);
    call = current;
    current.pause(queue.full());
    for (const [clientMessageId, entry] of unanswered) {
      if (resend) entry.resent = true;
      current.post(entry.text, clientMessageId);
    }
    // Still (re)joining here, so `halfCloseWhenAnswered` would wait: with nothing to answer, end now.
    if (closing && unanswered.size === 0) current.end();
  };

  /** Runs `step` (which opens a call) in place of the current call; posts wait meanwhile. */
  const replaceCall = (step: Promise<void>) => {
    reconnecting = step
      .catch((error: unknown) => finish(toFibchatError(error, target)))
      .finally(() => {
        reconnecting = undefined;
      });
  };

  const rejoin = (error: FibchatError) => {
    replaceCall(
      reconnector.retry(error).then((again) => {
        if (!again || final !== undefined) {
          finish(error);
          return;
        }
        // Where this session stood: the last message it has seen (or its starting point).
        connect(lastSeen, true);
      }),
    );
  };

  const cancel = () => {
    finish(new FibchatError("CANCELLED", "the chat session was cancelled", target));
    call?.cancel();
  };
  options.signal?.addEventListener("abort", cancel, { once: true });
  closed.then(
    () => options.signal?.removeEventListener("abort", cancel),
    () => options.signal?.removeEventListener("abort", cancel),
  );

  if (join.replayAfterId !== undefined || options.reconnect === false) {
    connect(join.replayAfterId, false);
  } else {
    // A session that joins live needs a position to rejoin from; the room's last id now is it.
    replaceCall(
      roomHead().then((head) => {
        if (final !== undefined) return;
        lastSeen = head;
        connect(head, false);
      }),
    );
  }
  if (options.signal?.aborted) cancel();

  return {
    joined,
    post(text, { clientMessageId = `${sessionId}:${++posts}` } = {}) {
      if (final !== undefined) return Promise.reject(final.error);
      if (closing) {
        return Promise.reject(
          new FibchatError("FAILED_PRECONDITION", "the session is closing", target),
        );
      }
      if (unanswered.has(clientMessageId)) {
        return Promise.reject(
          new FibchatError(
            "ALREADY_EXISTS",
            `a post with client_message_id ${clientMessageId} is still unanswered: wait for it`,
            target,
          ),
        );
      }
      return new Promise<PostResult>((resolve, reject) => {
        const seq = ++sequence;
        unanswered.set(clientMessageId, { text, seq, resent: false, resolve, reject });
        // While (re)joining, the post waits in `unanswered` and goes out when the call opens;
        // while posts wait for the rate, it waits behind them.
        if (reconnecting === undefined && !pacer.queue(clientMessageId, seq)) {
          call?.post(text, clientMessageId);
        }
      });
    },
    writable: () => reconnecting ?? pacer.drained() ?? call?.writable() ?? Promise.resolve(),
    messages: queue,
    close() {
      if (!closing && final === undefined) {
        closing = true;
        halfCloseWhenAnswered();
      }
      return closed;
    },
    cancel,
    closed,
  };
}

import type {
  JoinRoom,
  SendAndReceiveMessageRequest,
  SendAndReceiveMessageResponse,
} from "@fibchat/contracts/chat/v1";
import {
  type DuplexCall,
  type DuplexHandlers,
  type DuplexSessionHandler,
  RpcError,
} from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import type { PresenceRegistry } from "../presence/index.js";
import type { ConnectedSessions } from "../room-feed/index.js";
import type { MessageStore, StoredMessage } from "../store/index.js";
import { createPostAnswers, type PostAnswers } from "./answer-posts.js";
import type { ChatLimits } from "./chat-limits.js";
import type { ChatMetrics } from "./chat-metrics.js";
import type { MessageDeliveries } from "./message-deliveries.js";
import { joinRoom, type RoomSession } from "./room-session.js";
import { takeSessionSlot } from "./session-slot.js";
import type { SessionTrace, SessionTracer } from "./session-trace.js";
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

type Request = SendAndReceiveMessageRequest;
type Response = SendAndReceiveMessageResponse;

/** Posts of one session being answered at once: enough for group commit to batch a burst. */
const MAX_POSTS_IN_FLIGHT = 64;

/** A response waiting for the client to take the ones before it, or the error that ends the call. */
type Outgoing =
  | { readonly kind: "answer" | "message" | "presence" | "joined"; readonly response: Response }
  | { readonly kind: "failure"; readonly error: unknown };

/**
 * `SendAndReceiveMessage`: a join, then posts answered with acks (or rejections), interleaved
 * with every message other sessions store in the room (after a replay when asked), until the
 * client half-closes and every post is answered. The session holds one of the caller's
 * `--max-sessions-per-user` slots from its start to its end.
 */
export function createChatSession(deps: ChatSessionDeps): DuplexSessionHandler<Request, Response> {
  return (call) => new ChatSession(call, deps);
}

/**
 * One session, driven by its call's events and its sources' callbacks rather than written as an
 * async generator: the generator, the request iterator, the answers' generator and the inbox
 * joining them cost about a dozen promise reactions a post (bench/results/NOTES.md §14).
 *
 * Backpressure, as before: while grpc-js holds more than its high-water mark of unsent
 * responses, nothing more is written. Responses that come due meanwhile wait in `#backlog`,
 * which stays small: no request is read while {@link MAX_POSTS_IN_FLIGHT} posts are
 * unanswered, answers waiting here included, and the feed is not read while a message to
 * deliver waits here (its own queue fills, and a reader more than `--max-queue` messages behind
 * is cut off). The feed is read on while only answers wait: the session's own posts come back
 * through it and are dropped, and leaving them queued would cut off a client that posts as fast
 * as it reads its acks.
 */
class ChatSession implements DuplexHandlers<Request> {
  readonly #call: DuplexCall<Response>;
  readonly #deps: ChatSessionDeps;
  readonly #releaseSlot: () => void;
  // Opened now, while the call's span is active: the session's callbacks run outside it.
  readonly #trace: SessionTrace;
  #room: RoomSession | undefined;
  #answers: PostAnswers | undefined;
  /** Registering the author's presence: responses and posts wait until it is done. */
  #entering = false;
  /** Requests read while entering, answered once entered. */
  #held: Request[] = [];
  #halfClosed = false;
  #over = false;
  /** Set while grpc-js holds more than its high-water mark: responses wait in `#backlog`. */
  #congested = false;
  #backlog: Outgoing[] = [];
  /** Answers waiting in `#backlog`. */
  #answersWaiting = 0;
  /** Messages to deliver waiting in `#backlog`: at most one, as the feed is not read meanwhile. */
  #messagesWaiting = 0;
  #pulling = false;
  #readingPaused = false;

  constructor(call: DuplexCall<Response>, deps: ChatSessionDeps) {
    this.#call = call;
    this.#deps = deps;
    this.#releaseSlot = takeSessionSlot(deps.limits.sessions, call.context);
    this.#trace = deps.traceSession();
  }

  request(request: Request): void {
    if (this.#room === undefined) {
      this.#join(request);
      return;
    }
    if (this.#entering) {
      this.#held.push(request);
      return;
    }
    this.#answers?.answer(request);
    this.#updateReading();
  }

  halfClosed(): void {
    this.#halfClosed = true;
    // A client may half-close without sending anything (gRPC interop `empty_stream`): end OK.
    if (this.#room === undefined) this.#call.end();
    else this.#endIfAnswered();
  }

  closed(): void {
    this.#over = true;
    this.#room?.close();
    this.#releaseSlot();
  }

  #join(request: Request): void {
    const join = request.action?.$case === "join" ? request.action.value : undefined;
    if (join === undefined) {
      throw new RpcError(
        status.FAILED_PRECONDITION,
        "the first request of a session must be join: send join { room, author } first",
      );
    }
    // Each callback below runs in a microtask or a promise reaction, where a throw would crash
    // the process: whatever it throws ends this call instead.
    const room = joinRoom(join, this.#call.context, this.#deps, this.#trace, {
      message: (result) => this.#guarded(this.#onMessage, result),
      presence: (response) => this.#guarded(this.#send, { kind: "presence", response }),
      fail: (error) => this.#fail(error),
    });
    this.#room = room;
    this.#answers = createPostAnswers(room.posting, {
      answer: (response) => {
        this.#answersWaiting += 1;
        this.#guarded(this.#send, { kind: "answer", response });
      },
      // Counted as an answer waiting: the call must not end OK while the failure waits to be sent.
      fail: (error) => {
        this.#answersWaiting += 1;
        this.#guarded(this.#send, { kind: "failure", error });
      },
    });
    this.#entering = true;
    this.#updateReading();
    this.#pullMessage();
    // Registered before any post is stored: the join event reaches every listener before a
    // message of this author can be (chat.proto, member_joined).
    asStatus(this.#deps.presence.enter(room.room, room.author)).then(
      (leave) => this.#guarded(this.#entered, { join, leave }),
      (error: unknown) => this.#fail(error),
    );
  }

  /** Runs `step` with `argument`, ending the call with whatever it throws. */
  #guarded<T>(step: (this: ChatSession, argument: T) => void, argument: T): void {
    try {
      step.call(this, argument);
    } catch (error) {
      this.#fail(error);
    }
  }

  #entered({ join, leave }: { join: JoinRoom; leave: () => Promise<void> }): void {
    const room = this.#room;
    if (room === undefined) return;
    if (this.#over) {
      // Closed while registering: leave at once (a failed leave is ended by the presence TTL).
      leave().catch(() => {});
      return;
    }
    room.leavePresence = leave;
    this.#entering = false;
    if (join.confirmJoin) {
      this.#backlog.unshift({
        kind: "joined",
        response: { event: { $case: "joined", value: { room: room.room, author: room.author } } },
      });
    }
    const held = this.#held;
    this.#held = [];
    for (const request of held) this.#answers?.answer(request);
    this.#flush();
    this.#updateReading();
    this.#endIfAnswered();
  }

  #onMessage(result: IteratorResult<StoredMessage>): void {
    this.#pulling = false;
    // A feed only ends when the session's signal aborts; the call then ends through it.
    if (result.done || this.#over || this.#room === undefined) return;
    const message = result.value;
    // Own posts were acknowledged; the session receives the messages of the others. Most
    // messages are told apart without waiting (OwnPosts.isOwn).
    const own = this.#room.ownPosts.isOwn(message);
    if (own === true) this.#pullMessage();
    else if (own === false) this.#deliver(message);
    else {
      this.#pulling = true;
      own.then(
        (isOwn) => {
          this.#pulling = false;
          if (this.#over) return;
          if (isOwn) this.#guarded(this.#pullMessage, undefined);
          else this.#guarded(this.#deliver, message);
        },
        (error: unknown) => this.#fail(error),
      );
    }
  }

  #deliver(message: StoredMessage): void {
    this.#deps.metrics.delivered.session += 1;
    this.#messagesWaiting += 1;
    this.#send({ kind: "message", response: this.#deps.deliveries.responseTo(message) });
  }

  /** Asks the feed for its next message, unless one is asked for or one waits to be written. */
  #pullMessage(): void {
    if (this.#pulling || this.#over || this.#messagesWaiting > 0) return;
    this.#pulling = true;
    this.#room?.pullMessage();
  }

  #send(outgoing: Outgoing): void {
    if (this.#over) return;
    this.#backlog.push(outgoing);
    if (!this.#congested && !this.#entering) this.#flush();
  }

  /** Writes what waits in `#backlog`, in order, until grpc-js holds too much. */
  #flush(): void {
    let answered = false;
    for (let next = this.#backlog.shift(); next !== undefined; next = this.#backlog.shift()) {
      if (next.kind === "failure") {
        this.#answersWaiting -= 1;
        this.#fail(next.error);
        return;
      }
      if (next.kind === "answer") {
        this.#answersWaiting -= 1;
        answered = true;
      } else if (next.kind === "message") {
        this.#messagesWaiting -= 1;
      } else if (next.kind === "presence") {
        this.#room?.memberEvents?.taken();
      }
      if (!this.#call.write(next.response)) {
        this.#congested = true;
        this.#call.onceDrained(this.#drained);
        break;
      }
    }
    this.#pullMessage();
    if (answered) this.#updateReading();
    this.#endIfAnswered();
  }

  readonly #drained = () => {
    if (this.#over) return;
    this.#congested = false;
    this.#flush();
  };

  /** Reads requests unless entering, or {@link MAX_POSTS_IN_FLIGHT} posts are unanswered. */
  #updateReading(): void {
    const pause = this.#entering || this.#unanswered >= MAX_POSTS_IN_FLIGHT;
    if (pause === this.#readingPaused) return;
    this.#readingPaused = pause;
    if (pause) this.#call.pauseRequests();
    else this.#call.resumeRequests();
  }

  /**
   * Ends the call OK once the client has half-closed, every post is answered and nothing waits
   * to be written: what came due before the last answer (a message, a member event) goes first.
   */
  #endIfAnswered(): void {
    if (!this.#halfClosed || this.#entering || this.#over || this.#backlog.length > 0) return;
    if (this.#unanswered > 0) return;
    this.#call.end();
  }

  /** Posts read and not yet answered: waiting for their turn, or their answer for the client. */
  get #unanswered(): number {
    return (this.#answers?.pending ?? 0) + this.#answersWaiting;
  }

  #fail(error: unknown): void {
    this.#call.fail(slowConsumerStatus(error, "replay_after_id"));
  }
}

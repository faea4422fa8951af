import type {
  ChatMessage,
  ChatServiceClient,
  JoinRoom,
  Member,
  SendAndReceiveMessageRequest,
} from "@fibchat/contracts/chat/v1";
import type { PreparedCall } from "../call/call-options.js";
import { type FibchatError, toFibchatError } from "../fibchat-error.js";

/** The server's answer to one post. */
export type PostAnswer =
  | { readonly kind: "ack"; readonly message: ChatMessage; readonly duplicate: boolean }
  | {
      readonly kind: "rejected";
      readonly reason: string;
      /** Set when refused only for the sender's rate: resend after this many ms. */
      readonly retryAfterMs: number | undefined;
      /** The refusal's gRPC status code, when the server sent one. */
      readonly code: number | undefined;
    }
  /** An answer that breaks chat.proto (an ack without the stored message). */
  | { readonly kind: "invalid"; readonly reason: string };

/** What one `SendAndReceiveMessage` call reports to its owner. */
export interface SessionCallEvents {
  /** Another session's message (replayed or live). */
  message(message: ChatMessage): void;
  /** The answer to the post sent under `clientMessageId`. */
  answer(clientMessageId: string, answer: PostAnswer): void;
  /** The server accepted the join (the first event, when the join asked for it). */
  joined(room: { readonly room: string; readonly author: string }): void;
  /** Another author joined or left the room (only when the join asked for presence events). */
  member(kind: "joined" | "left", member: Member): void;
}

/** One `SendAndReceiveMessage` call, joined to a room: the unit a chat session reconnects. */
export interface SessionCall {
  /** Sends a post; its answer comes through {@link SessionCallEvents.answer}. */
  post(text: string, clientMessageId: string): void;
  /** Resolves when another post would not be buffered beyond grpc-js's high-water mark. */
  writable(): Promise<void>;
  /** Stops (true) or restarts (false) reading from the server. */
  pause(paused: boolean): void;
  /** Half-closes: the server answers what it received, then ends the call. */
  end(): void;
  cancel(): void;
  /**
   * Settles when the call has ended and every event of it was reported: resolves on OK,
   * rejects with the {@link FibchatError} that ended it.
   */
  readonly closed: Promise<void>;
}

/** Opens the call, sends `join` at once, and reports what the server sends to `events`. */
export function openSessionCall(
  client: ChatServiceClient,
  target: string,
  prepared: PreparedCall,
  join: JoinRoom,
  events: SessionCallEvents,
): SessionCall {
  const call = client.sendAndReceiveMessage(prepared.metadata, prepared.options);
  let failure: FibchatError | undefined;
  let draining: Promise<void> | undefined;
  let halfClosed = false;

  call.on("data", ({ event }) => {
    if (event?.$case === "message") events.message(event.value);
    else if (event?.$case === "joined") events.joined(event.value);
    else if (event?.$case === "memberJoined") events.member("joined", event.value);
    else if (event?.$case === "memberLeft") events.member("left", event.value);
    else if (event?.$case === "rejected") {
      const { clientMessageId, reason, retryAfterMs, code } = event.value;
      events.answer(clientMessageId, { kind: "rejected", reason, retryAfterMs, code });
    } else if (event?.$case === "ack") {
      const { clientMessageId, message, duplicate } = event.value;
      events.answer(
        clientMessageId,
        message === undefined
          ? { kind: "invalid", reason: "the chat server acknowledged a post without the message" }
          : { kind: "ack", message, duplicate },
      );
    }
  });
  const closed = new Promise<void>((resolve, reject) => {
    // grpc-js emits 'error' as soon as a failed status arrives, and 'end' only after every
    // message received before it was delivered, so answers already sent are never lost.
    call.on("error", (error) => {
      failure ??= toFibchatError(error, target);
    });
    call.on("end", () => (failure === undefined ? resolve() : reject(failure)));
  });
  // The owner awaits `closed` when it needs to; a failure still reaches it there.
  closed.catch(() => {});

  const write = (request: SendAndReceiveMessageRequest) => {
    if (call.write(request)) return;
    draining ??= new Promise<void>((resolve) => {
      call.once("drain", resolve);
      closed.then(resolve, resolve);
    }).finally(() => {
      draining = undefined;
    });
  };
  write({ action: { $case: "join", value: join } });

  return {
    post(text, clientMessageId) {
      if (!halfClosed) write({ action: { $case: "post", value: { text, clientMessageId } } });
    },
    writable: () => draining ?? Promise.resolve(),
    pause: (paused) => (paused ? call.pause() : call.resume()),
    end() {
      if (halfClosed) return;
      halfClosed = true;
      call.end();
    },
    cancel: () => call.cancel(),
    closed,
  };
}

import type {
  ChatMessage,
  ChatServiceClient,
  SendAndReceiveMessageRequest,
} from "@fibchat/contracts/chat/v1";
import { type CallSettings, callOptions } from "./calls.js";
import { CliError, ExitCode, rpcFailure } from "./errors.js";

/** Who posts, and where. */
export interface ChatIdentity {
  readonly room: string;
  readonly author: string;
}

/** How a session joins its room. */
export interface JoinOptions extends ChatIdentity {
  /** Replay stored messages with an id above this before the live ones; none when undefined. */
  readonly replayAfterId?: bigint | undefined;
}

/** The server's answer to one post. */
export type PostOutcome =
  | {
      readonly kind: "ack";
      /** The stored message: the new one, or the original when `duplicate`. */
      readonly message: ChatMessage;
      /** The post repeated an earlier client_message_id; nothing new was stored. */
      readonly duplicate: boolean;
    }
  | { readonly kind: "rejected"; readonly reason: string };

/** One `SendAndReceiveMessage` call, joined to a room. */
export interface ChatSession {
  /**
   * Posts `text` under `clientMessageId` (unique within the session) and resolves with the
   * server's answer. Rejects with a `CliError` if the session ends before answering.
   */
  post(text: string, clientMessageId: string): Promise<PostOutcome>;
  /** Resolves when another post would not be buffered beyond the call's high-water mark. */
  writable(): Promise<void>;
  /**
   * Half-closes the session: the server answers every post it received, then ends the call.
   * Returns {@link ChatSession.closed}.
   */
  end(): Promise<void>;
  /** Cancels the call: unanswered posts reject, and `closed` rejects with CANCELLED. */
  cancel(): void;
  /**
   * Settles when the call has ended and every message of it was handled: resolves on OK,
   * rejects with the `CliError` that explains a failure.
   */
  readonly closed: Promise<void>;
}

interface Waiting {
  resolve(outcome: PostOutcome): void;
  reject(error: CliError): void;
}

/**
 * Opens a chat session and sends the join at once. Other sessions' messages (replayed, then
 * live) go to `onMessage`. Aborting `settings.signal` cancels the call.
 */
export function openChatSession(
  client: ChatServiceClient,
  settings: CallSettings,
  join: JoinOptions,
  onMessage: (message: ChatMessage) => void,
): ChatSession {
  const call = client.sendAndReceiveMessage(settings.metadata(), callOptions(settings));
  const waiting = new Map<string, Waiting>();
  let halfClosed = false;
  let ended: { readonly error: CliError | undefined } | undefined;
  let failure: CliError | undefined;
  let draining: Promise<void> | undefined;

  const cancel = () => call.cancel();
  settings.signal.addEventListener("abort", cancel, { once: true });

  const answer = (clientMessageId: string, outcome: PostOutcome) => {
    waiting.get(clientMessageId)?.resolve(outcome);
    waiting.delete(clientMessageId);
  };
  call.on("data", ({ event }) => {
    if (event?.$case === "message") onMessage(event.value);
    else if (event?.$case === "rejected") {
      answer(event.value.clientMessageId, { kind: "rejected", reason: event.value.reason });
    } else if (event?.$case === "ack") {
      const { clientMessageId, message, duplicate } = event.value;
      if (message !== undefined) answer(clientMessageId, { kind: "ack", message, duplicate });
      else {
        waiting
          .get(clientMessageId)
          ?.reject(
            new CliError(
              "the chat server acknowledged a post without the stored message",
              ExitCode.failure,
            ),
          );
        waiting.delete(clientMessageId);
      }
    }
  });

  const closed = new Promise<void>((resolve, reject) => {
    // grpc-js emits 'error' as soon as a failed status arrives, and 'end' only after every
    // message received before it was delivered, so acks already sent are never lost.
    call.on("error", (error) => {
      failure ??= rpcFailure(error, settings.endpoint);
    });
    call.on("end", () => {
      ended = { error: failure };
      settings.signal.removeEventListener("abort", cancel);
      const unanswered =
        failure ??
        new CliError(
          "the chat server ended the session without answering every post",
          ExitCode.failure,
        );
      for (const pending of waiting.values()) pending.reject(unanswered);
      waiting.clear();
      if (failure === undefined) resolve();
      else reject(failure);
    });
  });
  // Callers await `closed` only when they need to; a failure still reaches them through it.
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
      if (ended !== undefined || halfClosed) {
        return Promise.reject(
          ended?.error ?? new CliError("the chat session is closed", ExitCode.failure),
        );
      }
      return new Promise<PostOutcome>((resolve, reject) => {
        waiting.set(clientMessageId, { resolve, reject });
        write({ action: { $case: "post", value: { text, clientMessageId } } });
      });
    },
    writable: () => draining ?? Promise.resolve(),
    cancel,
    end() {
      if (!halfClosed) {
        halfClosed = true;
        call.end();
      }
      return closed;
    },
    closed,
  };
}

import type {
  ChatServiceClient,
  SendAndReceiveMessageRequest,
  SendAndReceiveMessageResponse,
} from "@fibchat/contracts/chat/v1";
import type { ClientDuplexStream } from "@grpc/grpc-js";

/** What a benchmark session hears from the server. */
export interface SessionHandlers {
  /** An ack for the post with this client_message_id. */
  onAck?(clientMessageId: string): void;
  /** A message another session posted. */
  onMessage?(text: string): void;
  /** The call ended with an error status (the session is over). */
  onError?(error: Error): void;
}

/** A chat session opened by {@link joinRoom}. */
export interface BenchSession {
  readonly call: ClientDuplexStream<SendAndReceiveMessageRequest, SendAndReceiveMessageResponse>;
  post(text: string, clientMessageId: string): void;
  /** Half-closes and resolves once the server has ended the call (OK or not). */
  end(): Promise<void>;
}

/** Opens SendAndReceiveMessage on `client` and joins `room` as `author`. */
export function joinRoom(
  client: ChatServiceClient,
  room: string,
  author: string,
  handlers: SessionHandlers,
): BenchSession {
  const call = client.sendAndReceiveMessage();
  const ended = new Promise<void>((resolve) => {
    call.on("status", () => resolve());
  });
  call.on("data", ({ event }: SendAndReceiveMessageResponse) => {
    if (event?.$case === "ack") handlers.onAck?.(event.value.clientMessageId);
    else if (event?.$case === "message") handlers.onMessage?.(event.value.text);
    else if (event?.$case === "rejected") {
      handlers.onError?.(new Error(`post rejected: ${event.value.reason}`));
    }
  });
  call.on("error", (error) => handlers.onError?.(error));
  call.write({ action: { $case: "join", value: { room, author } } });
  return {
    call,
    post: (text, clientMessageId) =>
      call.write({ action: { $case: "post", value: { text, clientMessageId } } }),
    end() {
      call.end();
      return ended;
    },
  };
}

import { connect } from "node:http2";
import {
  SendAndReceiveMessageRequest,
  SendAndReceiveMessageResponse,
} from "@fibchat/contracts/chat/v1";
import { status } from "@grpc/grpc-js";
import { grpcFrame } from "../load/grpc-frame.js";
import { createGrpcFrameDecoder } from "../load/grpc-frame-decoder.js";

/** What a receiving session hears. */
export interface WireSessionHandlers {
  /** A message another session posted: its text. */
  onMessage(text: string): void;
  /** The call ended, with its gRPC status code (OK = 0) and message. */
  onEnd(code: number, details: string): void;
}

/** A receiving session opened by {@link openWireSession}. */
export interface WireSession {
  /** Cancels the call and closes the connection. */
  close(): void;
}

/**
 * Joins `room` over plain `node:http2`, on a connection of its own, and decodes each response
 * with the generated code. A receive-only client without grpc-js's per-message stream
 * machinery: one grpc-js process cannot read 100 sessions × 1,000 messages/s on a small machine,
 * which would make the fan-out figures measure the client instead of the server.
 */
export function openWireSession(
  target: string,
  room: string,
  author: string,
  handlers: WireSessionHandlers,
): WireSession {
  const session = connect(`http://${target}`);
  session.on("error", () => {});
  const stream = session.request({
    ":method": "POST",
    ":path": "/chat.v1.ChatService/SendAndReceiveMessage",
    "content-type": "application/grpc",
    te: "trailers",
  });
  const decoder = createGrpcFrameDecoder();
  let code: number = status.UNKNOWN;
  let details = "the stream closed without a status";
  const readStatus = (headers: Record<string, unknown>) => {
    const value = headers["grpc-status"];
    if (typeof value !== "string") return;
    code = Number(value);
    const message = headers["grpc-message"];
    details = typeof message === "string" ? decodeURIComponent(message) : "";
  };
  stream.on("response", readStatus);
  stream.on("trailers", readStatus);
  stream.on("data", (chunk: Buffer) => {
    for (const bytes of decoder.push(chunk)) {
      const { event } = SendAndReceiveMessageResponse.decode(bytes);
      if (event?.$case === "message") handlers.onMessage(event.value.text);
    }
  });
  stream.on("error", () => {});
  stream.on("close", () => {
    handlers.onEnd(code, details);
    session.close();
  });
  const join = SendAndReceiveMessageRequest.encode({
    action: { $case: "join", value: { room, author } },
  }).finish();
  stream.write(grpcFrame(join));
  return {
    close() {
      stream.close();
      session.close();
    },
  };
}

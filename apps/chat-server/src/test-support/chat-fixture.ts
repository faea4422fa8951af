import {
  type ChatMessage,
  ChatServiceClient,
  type GetMessagesRequest,
  type GetStatsResponse,
  type JoinRoom,
  type SendAndReceiveMessageResponse,
} from "@fibchat/contracts/chat/v1";
import { createLogCapture, defaultsOf, type LogCapture } from "@fibchat/server-kit/testing";
import { credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { chatServerOptions } from "../chat-options.js";
import { type ChatServer, type ChatServerConfig, createChatServer } from "../create-server.js";
import { parseStoreLocation } from "../store-location.js";

/** A running in-process chat server with a client. */
export interface ChatFixture extends ChatServer {
  readonly address: string;
  readonly client: ChatServiceClient;
  readonly logs: LogCapture;
  /** Closes the client and shuts the server down (which closes the store). */
  stop(): Promise<void>;
}

/**
 * Starts a chat server on 127.0.0.1:0; the store is `memory` unless `store` says otherwise, and
 * the per-user limits are off unless set: every test client is the one address 127.0.0.1, and the
 * floods other tests send would meet them (the limits' own tests set them).
 */
export async function startChat(
  overrides: Partial<Omit<ChatServerConfig, "store">> & {
    store?: string;
    /** The rate limit's clock, in milliseconds. */
    rateClock?: () => number;
  } = {},
): Promise<ChatFixture> {
  const logs = createLogCapture();
  const { store = "memory", rateClock, ...rest } = overrides;
  const config = defaultsOf(chatServerOptions, {
    port: 0,
    shutdownGraceMs: 2_000,
    postRate: 0,
    maxSessionsPerUser: 0,
    ...rest,
    store: parseStoreLocation(store),
  });
  const server = await createChatServer(
    config,
    logs.logger,
    rateClock === undefined ? {} : { rateClock },
  );
  const { address } = await server.app.listen();
  const client = new ChatServiceClient(address, credentials.createInsecure());
  return {
    ...server,
    address,
    client,
    logs,
    async stop() {
      client.close();
      await server.app.shutdown();
    },
  };
}

/** A chat session driven by a test. */
export interface TestSession {
  /** Every event received so far, in order. */
  readonly events: SendAndReceiveMessageResponse[];
  post(text: string, clientMessageId?: string): void;
  /** Resolves with the first event (received or to come) that matches. */
  waitFor(
    predicate: (event: SendAndReceiveMessageResponse) => boolean,
  ): Promise<SendAndReceiveMessageResponse>;
  /** Messages of others received so far. */
  messages(): ChatMessage[];
  /** Half-closes; resolves with the call's end (null for OK). */
  end(): Promise<ServiceError | null>;
  cancel(): void;
  pause(): void;
  resume(): void;
  /** Resolves when the call ends: null for OK, else its error. */
  readonly closed: Promise<ServiceError | null>;
}

/** Opens a session (with `metadata`, e.g. a token) and sends `join` (unless `join` is undefined). */
export function openSession(
  client: ChatServiceClient,
  join: JoinRoom | undefined,
  metadata = new Metadata(),
): TestSession {
  const call = client.sendAndReceiveMessage(metadata);
  const events: SendAndReceiveMessageResponse[] = [];
  const waiters = new Set<{
    predicate: (e: SendAndReceiveMessageResponse) => boolean;
    resolve: (e: SendAndReceiveMessageResponse) => void;
  }>();
  call.on("data", (event: SendAndReceiveMessageResponse) => {
    events.push(event);
    for (const waiter of waiters) {
      if (waiter.predicate(event)) {
        waiters.delete(waiter);
        waiter.resolve(event);
      }
    }
  });
  const closed = new Promise<ServiceError | null>((resolve) => {
    call.on("error", (error: ServiceError) => resolve(error));
    call.on("end", () => resolve(null));
  });
  if (join) call.write({ action: { $case: "join", value: join } });
  return {
    events,
    post(text, clientMessageId = "") {
      call.write({ action: { $case: "post", value: { text, clientMessageId } } });
    },
    waitFor(predicate) {
      const found = events.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        waiters.add({ predicate, resolve });
        closed.then((error) =>
          reject(new Error(`the session ended (${error?.message ?? "OK"}) before the event came`)),
        );
      });
    },
    messages: () => events.flatMap((e) => (e.event?.$case === "message" ? [e.event.value] : [])),
    end() {
      call.end();
      return closed;
    },
    cancel: () => call.cancel(),
    pause: () => call.pause(),
    resume: () => call.resume(),
    closed,
  };
}

/** Matches the ack of `clientMessageId`. */
export const ackOf = (clientMessageId: string) => (e: SendAndReceiveMessageResponse) =>
  e.event?.$case === "ack" && e.event.value.clientMessageId === clientMessageId;

/** `GetStats` as a promise. */
export function getStats(
  client: ChatServiceClient,
  room = "",
  metadata = new Metadata(),
): Promise<GetStatsResponse> {
  return new Promise((resolve, reject) =>
    client.getStats({ room }, metadata, (e, r) => (e ? reject(e) : resolve(r))),
  );
}

/** Every message of a non-follow `GetMessages`, or its error. */
export function readMessages(
  client: ChatServiceClient,
  request: Partial<GetMessagesRequest>,
  metadata = new Metadata(),
): Promise<ChatMessage[]> {
  const call = client.getMessages(
    { room: "", afterId: 0n, limit: 0, follow: false, ...request },
    metadata,
  );
  const messages: ChatMessage[] = [];
  return new Promise((resolve, reject) => {
    call.on("data", ({ message }: { message?: ChatMessage }) => message && messages.push(message));
    call.on("error", reject).on("end", () => resolve(messages));
  });
}

/** Polls `condition` every 10 ms until it holds (at most `seconds`, 10 by default). */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  seconds = 10,
): Promise<void> {
  for (let tries = 0; tries < seconds * 100; tries++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`condition not reached within ${seconds} s`);
}

/** Metadata carrying `authorization: Bearer token`. */
export function bearer(token: string): Metadata {
  const metadata = new Metadata();
  metadata.set("authorization", `Bearer ${token}`);
  return metadata;
}

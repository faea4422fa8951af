import { ChatServiceService } from "@fibchat/contracts/chat/v1";
import { type ConfigOf, createServerApp, type Logger, type ServerApp } from "@fibchat/server-kit";
import type { chatServerOptions } from "./chat-options.js";
import { openStore } from "./open-store.js";
import { type ConnectedSessions, createConnectedSessions } from "./room-feed/index.js";
import { type ChatMetrics, createChatMetrics } from "./service/chat-metrics.js";
import { createChatService } from "./service/chat-service.js";
import type { MessageStore } from "./store/index.js";
import { describeStoreLocation } from "./store-location.js";

/** The parsed configuration of the chat server. */
export type ChatServerConfig = ConfigOf<typeof chatServerOptions>;

/** A chat server and the parts tests look into. */
export interface ChatServer {
  readonly app: ServerApp;
  readonly store: MessageStore;
  readonly sessions: ConnectedSessions;
  readonly metrics: ChatMetrics;
}

/**
 * Opens the store and builds (without binding) a chat server. Shutting the app down ends open
 * sessions with `UNAVAILABLE`, then flushes and closes the store.
 */
export async function createChatServer(config: ChatServerConfig, log: Logger): Promise<ChatServer> {
  const store = await openStore(config.store, log);
  log.info({ store: describeStoreLocation(config.store) }, "store open");
  const sessions = createConnectedSessions();
  const metrics = createChatMetrics();
  const app = createServerApp({ config, log, onShutdown: () => store.close() });
  app.addService(
    ChatServiceService,
    createChatService({
      store,
      sessions,
      runtime: app.runtime,
      maxQueue: config.maxQueue,
      maxTextBytes: config.maxTextBytes,
      metrics,
    }),
  );
  return { app, store, sessions, metrics };
}

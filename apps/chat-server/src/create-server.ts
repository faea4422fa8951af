import { ChatServiceService } from "@fibchat/contracts/chat/v1";
import { type ConfigOf, createServerApp, type Logger, type ServerApp } from "@fibchat/server-kit";
import type { chatServerOptions } from "./chat-options.js";
import { createChatPrometheus } from "./chat-prometheus.js";
import { openStore } from "./open-store.js";
import { type ConnectedSessions, createConnectedSessions } from "./room-feed/index.js";
import { type ChatMetrics, createChatMetrics } from "./service/chat-metrics.js";
import { createChatService } from "./service/chat-service.js";
import type { MessageStore } from "./store/index.js";
import { tracedStore } from "./store/traced-store.js";
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
 * Opens the store and builds (without binding) a chat server. Health follows the store: it is
 * `NOT_SERVING` while the store cannot reach its storage (a Redis server gone away) and `SERVING`
 * again once it is back. Shutting the app down ends open sessions with `UNAVAILABLE`, then
 * flushes and closes the store. With `--metrics-address` the `fibchat_chat_*` metrics are served
 * beside the gRPC ones; when the process traces, store calls get spans of their own.
 */
export async function createChatServer(config: ChatServerConfig, log: Logger): Promise<ChatServer> {
  const prometheus =
    config.metricsAddress === undefined ? undefined : createChatPrometheus(config.store.kind);
  const store = await openStore(config.store, log, prometheus?.storeHooks);
  log.info({ store: describeStoreLocation(config.store) }, "store open");
  const sessions = createConnectedSessions();
  const metrics = createChatMetrics();
  const app = createServerApp({ config, log, onShutdown: () => store.close() });
  app.addService(
    ChatServiceService,
    createChatService({
      store: app.runtime.tracing ? tracedStore(store, config.store.kind) : store,
      sessions,
      runtime: app.runtime,
      maxQueue: config.maxQueue,
      maxTextBytes: config.maxTextBytes,
      metrics,
    }),
    // A session receives the room's messages, so joining needs chat.read; each post also needs
    // chat.write, checked per post (chat-session.ts) so a reader's session stays open.
    { getStats: "chat.read", getMessages: "chat.read", sendAndReceiveMessage: "chat.read" },
  );
  let wasAvailable = true;
  if (app.metrics !== undefined) {
    prometheus?.register(app.metrics, {
      metrics,
      sessions,
      store: config.store.kind,
      storeAvailable: () => wasAvailable,
    });
  }
  store.watchAvailability((available) => {
    app.setServing(available);
    if (available === wasAvailable) return;
    wasAvailable = available;
    if (available) log.info("message store reachable again; health is SERVING");
    else log.warn("message store unreachable; health is NOT_SERVING until it is back");
  });
  return { app, store, sessions, metrics };
}

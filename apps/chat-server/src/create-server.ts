import { type ConfigOf, createServerApp, type Logger, type ServerApp } from "@fibchat/server-kit";
import type { chatServerOptions } from "./chat-options.js";
import { chatServiceDefinition } from "./chat-service-definition.js";
import { openStorage } from "./open-storage.js";
import type { PresenceRegistry } from "./presence/index.js";
import { describeRetention, retentionPolicyOf } from "./retention-policy.js";
import { type ConnectedSessions, createConnectedSessions } from "./room-feed/index.js";
import { type ChatLimits, createChatLimits } from "./service/chat-limits.js";
import { type ChatMetrics, createChatMetrics } from "./service/chat-metrics.js";
import { createChatService } from "./service/chat-service.js";
import {
  type RetainingStore,
  type Retention,
  retainsEverything,
  startRetention,
} from "./store/index.js";
import { describeStoreLocation } from "./store-location.js";

/** The parsed configuration of the chat server. */
export type ChatServerConfig = ConfigOf<typeof chatServerOptions>;

/** What {@link createChatServer} takes besides its configuration. */
export interface ChatServerOptions {
  /** The clock retention by age compares with; default the system's. */
  readonly now?: () => Date;
  /** The post rate limit's clock, in milliseconds; default `performance.now`. */
  readonly rateClock?: () => number;
}

/** A chat server and the parts tests look into. */
export interface ChatServer {
  readonly app: ServerApp;
  readonly store: RetainingStore;
  readonly presence: PresenceRegistry;
  /** The background trimmer; undefined when retention is off. */
  readonly retention: Retention | undefined;
  readonly sessions: ConnectedSessions;
  readonly metrics: ChatMetrics;
  readonly limits: ChatLimits;
}

/**
 * Opens the store and builds (without binding) a chat server. Health follows the store: it is
 * `NOT_SERVING` while the store cannot reach its storage (a Redis server gone away) and `SERVING`
 * again once it is back. Shutting the app down ends open sessions with `UNAVAILABLE`, then
 * flushes and closes the store. With `--metrics-address` the `fibchat_chat_*` metrics are served
 * beside the gRPC ones; when the process traces, store calls get spans of their own.
 */
export async function createChatServer(
  config: ChatServerConfig,
  log: Logger,
  options: ChatServerOptions = {},
): Promise<ChatServer> {
  // prom-client is loaded only for a server that serves metrics.
  const prometheus =
    config.metricsAddress === undefined
      ? undefined
      : (await import("./chat-prometheus.js")).createChatPrometheus(config.store.kind);
  const storage = await openStorage(config.store, log, {
    presenceTtlMs: config.presenceTtlMs,
    redisMinReplicasAcked: config.redisMinReplicasAcked,
    redisReplicationTimeoutMs: config.redisReplicationTimeoutMs,
    storeHooks: prometheus?.storeHooks,
  });
  const { store, presence, rooms } = storage;
  log.info(
    { store: describeStoreLocation(config.store), retention: describeRetention(config) },
    "store open",
  );
  const policy = retentionPolicyOf(config);
  const retention = retainsEverything(policy)
    ? undefined
    : startRetention({
        store,
        policy,
        intervalMs: config.retentionInterval,
        ...(options.now === undefined ? {} : { now: options.now }),
        onTrimmed: (removed) => log.info({ removed }, "retention removed old messages"),
        onError: (error) => log.warn({ err: error }, "retention pass failed; the next one retries"),
      });
  const sessions = createConnectedSessions();
  const metrics = createChatMetrics();
  // Per instance: a cluster-wide limit would have to count in the shared store (README, Limits).
  const limits = createChatLimits(config, options.rateClock);
  const app = await createServerApp({
    config,
    log,
    onShutdown: async () => {
      await retention?.stop();
      await storage.close();
    },
  });
  // The OpenTelemetry API is loaded only by a server that traces.
  const tracing =
    app.runtime.tracing === undefined
      ? undefined
      : {
          ...(await import("./store/traced-store.js")),
          ...(await import("./service/active-span-session-trace.js")),
        };
  // Sessions share the response of each stored message they deliver: encoded once per room.
  const { definition, sessionResponses } = chatServiceDefinition();
  app.addService(
    definition,
    createChatService({
      ...(tracing === undefined
        ? { store }
        : {
            store: tracing.tracedStore(store, config.store.kind),
            traceSession: tracing.activeSpanSessionTrace,
          }),
      sessions,
      runtime: app.runtime,
      maxQueue: config.maxQueue,
      maxTextBytes: config.maxTextBytes,
      retention: describeRetention(config),
      metrics,
      limits,
      presence,
      rooms,
      sessionResponses,
    }),
    // A session receives the room's messages, so joining needs chat.read; each post also needs
    // chat.write, checked per post (chat-session.ts) so a reader's session stays open.
    {
      getStats: "chat.read",
      getMessages: "chat.read",
      sendAndReceiveMessage: "chat.read",
      listRooms: "chat.read",
      listMembers: "chat.read",
    },
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
  return { app, store, presence, retention, sessions, metrics, limits };
}

import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { StoreHooks } from "./open-store.js";
import type { ConnectedSessions } from "./room-feed/index.js";
import type { ChatMetrics, ReaderKind, RejectReason } from "./service/chat-metrics.js";
import type { StoreLocation } from "./store-location.js";

/** Commit durations: a memory-speed Redis round trip up to a slow disk's fsync. */
const COMMIT_SECONDS_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];
/** Appends per commit, up to the SQLite store's largest batch (512). */
const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
const READERS: readonly ReaderKind[] = ["session", "follow"];
const REJECT_REASONS: readonly RejectReason[] = ["invalid", "permission", "rate_limited"];

/** What the chat server's metrics read. */
export interface ChatMetricSources {
  readonly metrics: ChatMetrics;
  readonly sessions: ConnectedSessions;
  readonly store: StoreLocation["kind"];
  /** Whether the store can reach its storage now. */
  storeAvailable(): boolean;
}

/** The chat server's own metrics, before they join a registry. */
export interface ChatPrometheus {
  /** Give these to `openStore`: commits and reconnects are observed as they happen. */
  readonly storeHooks: StoreHooks;
  /** Adds every `fibchat_chat_*` metric to `registry`, reading `sources` at scrape time. */
  register(registry: Registry, sources: ChatMetricSources): void;
}

/**
 * The `fibchat_chat_*` metrics. Counters and gauges read {@link ChatMetrics} when Prometheus
 * scrapes; the store's histograms are observed per commit (not per call). No label takes values
 * from users (no room, no author), so the number of series is fixed.
 */
export function createChatPrometheus(store: StoreLocation["kind"]): ChatPrometheus {
  const commitSeconds = new Histogram({
    name: "fibchat_chat_store_commit_seconds",
    help: "Time to commit appends to the store (SQLite: one group-commit transaction with its fsync; Redis: one append script).",
    labelNames: ["store"],
    buckets: COMMIT_SECONDS_BUCKETS,
    registers: [],
  });
  const batchSize = new Histogram({
    name: "fibchat_chat_store_commit_batch_size",
    help: "Appends committed together (SQLite group commit; always 1 on Redis).",
    labelNames: ["store"],
    buckets: BATCH_SIZE_BUCKETS,
    registers: [],
  });
  const reconnects = new Counter({
    name: "fibchat_chat_redis_reconnects_total",
    help: "Redis connections made ready again after an outage (commands and events connections).",
    registers: [],
  });
  if (store !== "memory") {
    commitSeconds.zero({ store });
    batchSize.zero({ store });
  }
  return {
    storeHooks: {
      onCommit(batch) {
        commitSeconds.observe({ store }, batch.seconds);
        batchSize.observe({ store }, batch.appends);
      },
      onReconnect: () => reconnects.inc(),
    },
    register(registry, sources) {
      registry.registerMetric(commitSeconds);
      registry.registerMetric(batchSize);
      if (store === "redis" || store === "redis-cluster") registry.registerMetric(reconnects);
      registerCounts(registry, sources);
    },
  };
}

function registerCounts(registry: Registry, sources: ChatMetricSources): void {
  const { metrics, sessions } = sources;
  const registers = [registry];
  new Gauge({
    name: "fibchat_chat_sessions_open",
    help: "SendAndReceiveMessage sessions joined to a room on this instance now.",
    registers,
    collect() {
      this.set(sessions.count(undefined));
    },
  });
  new Gauge({
    name: "fibchat_chat_follow_streams_open",
    help: "GetMessages calls with follow open on this instance now.",
    registers,
    collect() {
      this.set(metrics.followStreamsOpen);
    },
  });
  new Counter({
    name: "fibchat_chat_messages_stored_total",
    help: "Posts this instance stored (acknowledged, duplicates not counted).",
    registers,
    collect() {
      this.reset();
      this.inc(metrics.messagesStored);
    },
  });
  new Counter({
    name: "fibchat_chat_messages_delivered_total",
    help: "Messages written to readers (the fan-out), by reader: session (other sessions' messages) or follow (GetMessages).",
    labelNames: ["reader"],
    registers,
    collect() {
      this.reset();
      for (const reader of READERS) this.inc({ reader }, metrics.delivered[reader]);
    },
  });
  new Counter({
    name: "fibchat_chat_slow_consumer_cutoffs_total",
    help: "Readers ended with RESOURCE_EXHAUSTED for falling more than --max-queue messages behind.",
    labelNames: ["reader"],
    registers,
    collect() {
      this.reset();
      for (const reader of READERS) this.inc({ reader }, metrics.slowConsumerCutoffs[reader]);
    },
  });
  new Counter({
    name: "fibchat_chat_posts_rejected_total",
    help: "Posts answered rejected, by reason: invalid (text or client_message_id), permission (no chat.write), rate_limited.",
    labelNames: ["reason"],
    registers,
    collect() {
      this.reset();
      for (const reason of REJECT_REASONS) this.inc({ reason }, metrics.rejectedPosts[reason]);
    },
  });
  new Gauge({
    name: "fibchat_chat_store_available",
    help: "1 while the message store can reach its storage, 0 while it cannot (health NOT_SERVING).",
    labelNames: ["store"],
    registers,
    collect() {
      this.set({ store: sources.store }, sources.storeAvailable() ? 1 : 0);
    },
  });
}

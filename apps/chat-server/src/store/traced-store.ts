import { type Attributes, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { RetainingStore } from "./message-retention.js";

/**
 * `store` with an OpenTelemetry CLIENT span around each append, read and stats call, a child of
 * the call being served (`MessageStore.append` …, with `db.system.name` = `system`), so a trace
 * runs from the client through the server to the store. For servers that trace; the rest use
 * the store as it is.
 */
export function tracedStore(store: RetainingStore, system: string): RetainingStore {
  // Asked for here, once the SDK is registered, not at module load: this ESM module and the
  // SDK (CommonJS) load two copies of @opentelemetry/api, and a tracer taken from this copy
  // before registration would stay a no-op forever.
  const tracer = trace.getTracer("@fibchat/chat-server");
  const attributes: Attributes = { "db.system.name": system };
  function traced<T>(operation: string, run: () => Promise<T>): Promise<T> {
    return tracer.startActiveSpan(
      `MessageStore.${operation}`,
      { kind: SpanKind.CLIENT, attributes: { ...attributes, "db.operation.name": operation } },
      async (span) => {
        try {
          return await run();
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }
  return {
    append: (input) => traced("append", () => store.append(input)),
    readAfter: (room, afterId, limit) =>
      traced("readAfter", () => store.readAfter(room, afterId, limit)),
    stats: (room) => traced("stats", () => store.stats(room)),
    subscribe: (listener, room) => store.subscribe(listener, room),
    watchAvailability: (listener) => store.watchAvailability(listener),
    close: () => store.close(),
    // Retention's own calls run in the background, outside any traced call.
    roomsWithMessages: () => store.roomsWithMessages(),
    trimRoom: (...args) => store.trimRoom(...args),
    idRange: (room) => store.idRange(room),
  };
}

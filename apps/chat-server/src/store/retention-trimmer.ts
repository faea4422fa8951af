import { setImmediate as nextTurn } from "node:timers/promises";
import type { RetainingStore, RetentionPolicy } from "./message-retention.js";

/** The default pause between two trimming passes. */
export const DEFAULT_TRIM_INTERVAL_MS = 60_000;

/** Messages removed per step at most: one short transaction or script at a time. */
export const DEFAULT_TRIM_BATCH = 500;

/** What {@link startRetention} trims, how often, and whom it tells. */
export interface RetentionOptions {
  readonly store: RetainingStore;
  readonly policy: RetentionPolicy;
  /** The pause after one pass ends and before the next begins; default {@link DEFAULT_TRIM_INTERVAL_MS}. */
  readonly intervalMs?: number;
  /** Messages removed per step; default {@link DEFAULT_TRIM_BATCH}. */
  readonly batch?: number;
  /** The clock retention by age compares with; default the system's. */
  readonly now?: () => Date;
  /** Told after each pass that removed anything, with how many. */
  readonly onTrimmed?: (removed: number) => void;
  /** Told when a pass fails (the store unreachable, say); the next pass tries again. */
  readonly onError?: (error: unknown) => void;
}

/** A running {@link startRetention} loop. */
export interface Retention {
  /** Runs one pass now (after the one under way, if any); resolves with the messages removed. */
  trimNow(): Promise<number>;
  /** Stops the timer and waits for a pass under way to finish. */
  stop(): Promise<void>;
}

/**
 * Trims every room to `policy` in the background: a pass now, then one every `intervalMs`
 * after the previous ends. A pass trims each room in steps of at most `batch` messages and
 * yields to the event loop between steps, so posts are never held up behind a long deletion.
 * Every instance sharing a store may run one; steps are atomic, so two passes at once only
 * share the work.
 */
export function startRetention(options: RetentionOptions): Retention {
  const { store, policy, onTrimmed, onError } = options;
  const intervalMs = options.intervalMs ?? DEFAULT_TRIM_INTERVAL_MS;
  const batch = options.batch ?? DEFAULT_TRIM_BATCH;
  const now = options.now ?? (() => new Date());
  let running: Promise<number> = Promise.resolve(0);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function pass(): Promise<number> {
    let total = 0;
    if (stopped) return total;
    for (const room of await store.roomsWithMessages()) {
      for (;;) {
        if (stopped) return total;
        const removed = await store.trimRoom(room, policy, now(), batch);
        total += removed;
        // A SQLite step runs synchronously: let posts in between steps, and between rooms.
        await nextTurn();
        if (removed < batch) break;
      }
    }
    return total;
  }

  function trimNow(): Promise<number> {
    running = running.then(pass).then(
      (removed) => {
        if (removed > 0) onTrimmed?.(removed);
        return removed;
      },
      (error: unknown) => {
        onError?.(error);
        return 0;
      },
    );
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      void trimNow().then(schedule);
    }, intervalMs);
    // The trimmer alone never keeps the process alive.
    timer.unref();
  }

  void trimNow().then(schedule);
  return {
    trimNow,
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}

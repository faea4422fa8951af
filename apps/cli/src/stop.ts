import { ExitCode } from "./errors.js";

/** Why a command was stopped before it finished on its own. */
export type StopReason = "interrupted" | "output-closed";

/**
 * One `AbortSignal` for everything a command started (calls, timers, readline), plus the
 * reason it fired, which decides the exit code.
 */
export interface Stopper {
  readonly signal: AbortSignal;
  /** Set by the first {@link Stopper.stop}; later calls do not change it. */
  readonly reason: StopReason | undefined;
  stop(reason: StopReason): void;
}

/** A {@link Stopper} that also stops as `interrupted` when `interrupt` aborts (SIGINT in `main`). */
export function createStopper(interrupt?: AbortSignal): Stopper {
  const controller = new AbortController();
  let reason: StopReason | undefined;
  const stop = (why: StopReason) => {
    if (reason !== undefined) return;
    reason = why;
    controller.abort();
  };
  if (interrupt?.aborted) stop("interrupted");
  interrupt?.addEventListener("abort", () => stop("interrupted"), { once: true });
  return {
    signal: controller.signal,
    get reason() {
      return reason;
    },
    stop,
  };
}

/**
 * The exit code of a stopped command: 130 after Ctrl-C, as shells report a SIGINT; 0 when
 * stdout was closed by its reader (`| head`), which got all it wanted.
 */
export function exitCodeOfStop(reason: StopReason): ExitCode {
  return reason === "interrupted" ? ExitCode.interrupted : ExitCode.ok;
}

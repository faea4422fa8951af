/** Where the bar is drawn: a terminal (stderr), whose width may be known. */
export interface ProgressStream {
  write(chunk: string): boolean;
  readonly columns?: number | undefined;
}

/** A one-line progress bar that redraws itself in place. */
export interface ProgressBar {
  /** Shows `done` of the total; redraws at most every `intervalMs`, and always at the end. */
  update(done: number): void;
  /** Erases the bar (before other output shares its line); the next update redraws it. */
  clear(): void;
}

const CLEAR_LINE = "\r\u001b[2K";

/**
 * Creates a {@link ProgressBar} for `total` items on `stream`. Throttled by wall-clock time so a
 * fast stream does not spend its time drawing; `now` is injectable for tests.
 */
export function createProgressBar(
  stream: ProgressStream,
  total: number,
  options: { readonly intervalMs?: number; readonly now?: () => number } = {},
): ProgressBar {
  const intervalMs = options.intervalMs ?? 100;
  const now = options.now ?? (() => performance.now());
  let drawnAt = Number.NEGATIVE_INFINITY;
  let shown = false;
  return {
    update(done) {
      const time = now();
      if (done < total && time - drawnAt < intervalMs) return;
      drawnAt = time;
      shown = true;
      stream.write(`${CLEAR_LINE}${renderProgressBar(done, total, stream.columns ?? 80)}`);
    },
    clear() {
      if (shown) stream.write(CLEAR_LINE);
      shown = false;
      drawnAt = Number.NEGATIVE_INFINITY;
    },
  };
}

/**
 * The text of the bar, fitted to `columns`: `[#######-------]  50%  5/10`. An empty total is
 * shown as complete.
 */
export function renderProgressBar(done: number, total: number, columns: number): string {
  const fraction = total === 0 ? 1 : Math.min(1, Math.max(0, done / total));
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const suffix = ` ${percent}  ${done}/${total}`;
  const width = Math.max(0, Math.min(40, columns - suffix.length - 3));
  if (width === 0) return suffix.trimStart();
  const filled = Math.floor(fraction * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]${suffix}`;
}

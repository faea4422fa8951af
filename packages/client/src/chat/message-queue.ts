/** A queue its producer fills and one consumer reads as an async iterable. */
export interface MessageQueue<T> extends AsyncIterable<T> {
  push(item: T): void;
  /** No more items: the reader ends once it has read the queue. */
  end(): void;
  /** The reader throws `error` once it has read the queue. */
  fail(error: Error): void;
  /** Whether `high` items or more wait. */
  full(): boolean;
}

/**
 * Creates a {@link MessageQueue}. `onPressure(true)` is called when `high` items wait, and
 * `onPressure(false)` once the reader has taken it down to half of that: the producer pauses in
 * between, so a reader that stops reading holds memory to a bound.
 */
export function createMessageQueue<T>(options: {
  readonly high: number;
  readonly onPressure: (full: boolean) => void;
}): MessageQueue<T> {
  const items: T[] = [];
  let done: { readonly error?: Error } | undefined;
  let pressed = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  return {
    push(item) {
      if (done !== undefined) return;
      items.push(item);
      if (!pressed && items.length >= options.high) {
        pressed = true;
        options.onPressure(true);
      }
      notify();
    },
    end() {
      done ??= {};
      notify();
    },
    fail(error) {
      done ??= { error };
      notify();
    },
    full: () => pressed,
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const next = items.shift();
        if (next !== undefined) {
          if (pressed && items.length <= options.high / 2) {
            pressed = false;
            options.onPressure(false);
          }
          yield next;
          continue;
        }
        if (done !== undefined) {
          if (done.error !== undefined) throw done.error;
          return;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}

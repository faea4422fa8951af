import { EncodedSequenceResponse } from "./encoded-sequence-response.js";

/**
 * Bytes charged per kept answer beyond its encoded bytes: the key string, the map entry and the
 * response and Buffer objects (measured on Node 20 with `process.memoryUsage()` over 100,000
 * answers: 278 bytes each; rounded up).
 */
export const ENTRY_OVERHEAD_BYTES = 320;

/**
 * The encoded answers of recent `GetSequence(start, count)` calls, so that a repeated question
 * is answered with the bytes already made: Fibonacci numbers never change. Bounded by
 * `maxBytes` (encoded bytes plus {@link ENTRY_OVERHEAD_BYTES} per answer), least recently used
 * answers going first; an answer bigger than a sixteenth of that is never kept, so one large
 * answer cannot empty the cache of many small ones. `maxBytes` 0 keeps nothing.
 */
export interface AnswerCache {
  /** The kept answer for `(start, count)`, now the most recently used; undefined if none. */
  get(start: number, count: number): EncodedSequenceResponse | undefined;
  /** Keeps `answer` for `(start, count)` if it is small enough, evicting what it must. */
  keep(start: number, count: number, answer: EncodedSequenceResponse): void;
  /** Bytes charged for the answers kept now: never above `maxBytes`. */
  readonly bytes: number;
  /** Answers kept now. */
  readonly size: number;
}

/** Creates an empty {@link AnswerCache} of at most `maxBytes`. */
export function createAnswerCache(maxBytes: number): AnswerCache {
  // A Map iterates in insertion order: re-inserting on each hit makes its first key the least
  // recently used.
  const answers = new Map<string, EncodedSequenceResponse>();
  const maxEntryBytes = Math.floor(maxBytes / 16);
  let bytes = 0;
  const charge = (answer: EncodedSequenceResponse) => answer.bytes.length + ENTRY_OVERHEAD_BYTES;
  return {
    get(start, count) {
      const key = `${start},${count}`;
      const answer = answers.get(key);
      if (answer !== undefined) {
        answers.delete(key);
        answers.set(key, answer);
      }
      return answer;
    },
    keep(start, count, answer) {
      const cost = charge(answer);
      if (cost > maxEntryBytes) return;
      const key = `${start},${count}`;
      const old = answers.get(key);
      if (old !== undefined) {
        answers.delete(key);
        bytes -= charge(old);
      }
      for (const [oldest, evicted] of answers) {
        if (bytes + cost <= maxBytes) break;
        answers.delete(oldest);
        bytes -= charge(evicted);
      }
      // A copy of its own: a small answer is a view into Node's shared 8 KiB allocation pool,
      // and keeping the view would keep the whole slab, uncounted.
      const own = Buffer.allocUnsafeSlow(answer.bytes.length);
      answer.bytes.copy(own);
      answers.set(key, new EncodedSequenceResponse(own));
      bytes += cost;
    },
    get bytes() {
      return bytes;
    },
    get size() {
      return answers.size;
    },
  };
}

import { once } from "node:events";
import type {
  FibonacciServiceServer,
  StreamSequenceResponse,
} from "@fibchat/contracts/fibonacci/v1";
import { type ServerWritableStream, status } from "@grpc/grpc-js";
import { endWithStatus } from "./end-with-status.js";

/** The highest index the baseline serves: enough for every scenario, small enough to cache. */
const MAX_INDEX = 100_000;

/**
 * The least a grpc-js server can do to answer `FibonacciService` correctly: values come from a
 * cache of precomputed decimal strings, with no validation, logging, interceptors or adapter.
 * StreamSequence waits for `'drain'` when `write()` returns false, as any correct server must
 * (grpc-node #1332), and stops when the client cancels.
 */
export function createFibonacciBaseline(): FibonacciServiceServer {
  const cache: StreamSequenceResponse[] = [];
  let next: [bigint, bigint] = [0n, 1n];
  const termsUpTo = (last: number) => {
    while (cache.length <= last) {
      const [current, following] = next;
      cache.push({ number: { index: cache.length, value: current.toString() } });
      next = [following, current + following];
    }
    return cache;
  };

  return {
    getSequence(call, callback) {
      const { start, count } = call.request;
      const last = start + count - 1;
      if (last > MAX_INDEX) return callback({ code: status.OUT_OF_RANGE, details: "too deep" });
      const terms = termsUpTo(last).slice(start, start + count);
      callback(null, { numbers: terms.flatMap(({ number }) => (number ? [number] : [])) });
    },
    streamSequence(call) {
      writeTerms(call, termsUpTo).catch((error: unknown) =>
        endWithStatus(call, status.INTERNAL, String(error)),
      );
    },
  };
}

async function writeTerms(
  call: ServerWritableStream<{ start: number; count: number }, StreamSequenceResponse>,
  termsUpTo: (last: number) => readonly StreamSequenceResponse[],
): Promise<void> {
  const { start, count } = call.request;
  const last = start + count - 1;
  if (last > MAX_INDEX) return endWithStatus(call, status.OUT_OF_RANGE, "too deep");
  const terms = termsUpTo(last);
  const cancelled = once(call, "cancelled").then(() => true);
  for (let index = start; index <= last && !call.cancelled; index++) {
    const term = terms[index];
    if (term === undefined) break;
    if (!call.write(term)) {
      const stopped = await Promise.race([once(call, "drain").then(() => false), cancelled]);
      if (stopped) return;
    }
  }
  call.end();
}

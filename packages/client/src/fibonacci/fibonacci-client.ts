import {
  type FibonacciNumber,
  FibonacciServiceClient,
  type GetSequenceRequest,
  type GetSequenceResponse,
  type StreamSequenceRequest,
} from "@fibchat/contracts/fibonacci/v1";
import { type CallOptions, prepareCall } from "../call/call-options.js";
import {
  createReconnector,
  type DEFAULT_RESUME_POLICY,
  type ReconnectEvent,
  type ResumePolicy,
} from "../call/resume-policy.js";
import { serverStream } from "../call/server-stream.js";
import { unary } from "../call/unary.js";
import { type ClientOptions, channelCredentials, channelOptions } from "../client-options.js";
import type { StatusName } from "../fibchat-error.js";

/** Options of {@link FibonacciClient.streamSequence}. */
export interface StreamSequenceOptions extends CallOptions {
  /**
   * Reopen a stream that breaks with `UNAVAILABLE` (the server restarted, the connection dropped)
   * at the next index, so every number is seen once, in order. `true` uses
   * {@link DEFAULT_RESUME_POLICY}.
   */
  readonly resume?: boolean | ResumePolicy;
  /** Told before each reopen, with the failure that caused it. */
  readonly onReconnect?: (event: ReconnectEvent) => void;
}

// A server restarting or a dropped connection; any other failure is the caller's to see.
const RESUMABLE: ReadonlySet<StatusName> = new Set(["UNAVAILABLE"]);

/** A typed client of `fibonacci.v1.FibonacciService`. */
export interface FibonacciClient {
  /** F(start) … F(start + count - 1), in one response; values are decimal strings. */
  getSequence(request: GetSequenceRequest, options?: CallOptions): Promise<FibonacciNumber[]>;
  /**
   * The same numbers one message each, as they are computed; reads no further ahead than the
   * loop consuming them, and leaving the loop early cancels the call.
   */
  streamSequence(
    request: StreamSequenceRequest,
    options?: StreamSequenceOptions,
  ): AsyncGenerator<FibonacciNumber, void, undefined>;
  /** Closes the channel; calls still open fail with `CANCELLED`/`UNAVAILABLE`. */
  close(): void;
}

/** Creates a {@link FibonacciClient} for `target` (`host:port` or a gRPC target URI). */
export function createFibonacciClient(
  target: string,
  options: ClientOptions = {},
): FibonacciClient {
  const client = new FibonacciServiceClient(
    target,
    channelCredentials(options.tls),
    channelOptions(target, options),
  );
  return {
    async getSequence(request, callOptions) {
      const call = prepareCall(target, options, callOptions);
      const response = await unary<GetSequenceResponse>(
        target,
        call,
        (metadata, grpcOptions, callback) =>
          client.getSequence(request, metadata, grpcOptions, callback),
      );
      return response.numbers;
    },

    async *streamSequence(request, { resume = false, onReconnect, ...callOptions } = {}) {
      const reconnector = createReconnector({
        resume,
        codes: RESUMABLE,
        signal: callOptions.signal,
        onReconnect,
      });
      const end = request.start + request.count;
      let next = request.start;
      for (;;) {
        const remaining = { start: next, count: end - next };
        const call = prepareCall(target, options, callOptions);
        try {
          for await (const { number } of serverStream(target, call, ({ metadata, options }) =>
            client.streamSequence(remaining, metadata, options),
          )) {
            if (number === undefined) continue;
            next = number.index + 1;
            reconnector.progressed();
            yield number;
          }
          return;
        } catch (error) {
          if (next >= end || !(await reconnector.retry(error))) throw error;
        }
      }
    },

    close: () => client.close(),
  };
}

import { once } from "node:events";
import {
  type FibonacciServiceServer,
  FibonacciServiceService,
} from "@fibchat/contracts/fibonacci/v1";
import { Server, ServerCredentials, status } from "@grpc/grpc-js";

/** A bare grpc-js Fibonacci server for tests that count what the server produced. */
export interface CountingServer {
  readonly address: string;
  /** Messages the server has written to the current stream so far. */
  produced(): number;
  /** Resolves when the server first waits for `'drain'`: the client stopped taking messages. */
  readonly blocked: Promise<void>;
  /** Resolves when the server sees the client cancel the stream. */
  readonly cancelled: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Serves `StreamSequence` with messages of `messageBytes` digits (not real Fibonacci numbers),
 * honouring `write()`'s backpressure as a real server must, and counting every message written.
 */
export async function startCountingServer(messageBytes: number): Promise<CountingServer> {
  let produced = 0;
  let onBlocked = () => {};
  let onCancelled = () => {};
  const blocked = new Promise<void>((resolve) => {
    onBlocked = resolve;
  });
  const cancelled = new Promise<void>((resolve) => {
    onCancelled = resolve;
  });
  const implementation: FibonacciServiceServer = {
    getSequence: (_call, callback) => callback({ code: status.UNIMPLEMENTED }),
    streamSequence: async (call) => {
      let open = true;
      call.on("cancelled", () => {
        open = false;
        onCancelled();
      });
      const value = "1".repeat(messageBytes);
      const { start, count } = call.request;
      for (let index = start; index < start + count && open; index++) {
        produced++;
        if (!call.write({ number: { index, value } })) {
          onBlocked();
          await Promise.race([once(call, "drain"), cancelled]);
        }
      }
      if (open) call.end();
    },
  };
  const server = new Server();
  server.addService(FibonacciServiceService, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    produced: () => produced,
    blocked,
    cancelled,
    stop: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        resolve();
      }),
  };
}

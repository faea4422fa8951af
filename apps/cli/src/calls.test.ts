import {
  FibonacciServiceClient,
  type FibonacciServiceServer,
  FibonacciServiceService,
  type GetSequenceResponse,
  type StreamSequenceResponse,
} from "@fibchat/contracts/fibonacci/v1";
import {
  type CallOptions,
  credentials,
  Metadata,
  Server,
  ServerCredentials,
  type ServerWritableStream,
  status,
} from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CallSettings, serverStream, unaryCall } from "./calls.js";
import { CliError } from "./errors.js";
import { waitFor } from "./test-support/poll.js";

// The fast tier: an in-process grpc-js server whose handlers misbehave on purpose.
const FAIL_AFTER_THREE = 1;
const ENDLESS = 2;

describe("unaryCall and serverStream against an in-process server", () => {
  let server: Server;
  let client: FibonacciServiceClient;
  let address = "";
  let cancelledStreams = 0;

  const number = (index: number) => ({ number: { index, value: String(index) } });
  const streamSequence = (
    call: ServerWritableStream<{ start: number }, StreamSequenceResponse>,
  ) => {
    call.on("cancelled", () => {
      cancelledStreams += 1;
    });
    if (call.request.start === FAIL_AFTER_THREE) {
      for (let index = 0; index < 3; index += 1) call.write(number(index));
      call.emit("error", { code: status.RESOURCE_EXHAUSTED, details: "fell behind" });
      return;
    }
    let index = 0;
    const timer = setInterval(() => {
      if (call.cancelled) clearInterval(timer);
      else call.write(number(index++));
    }, 5);
  };
  const handlers: FibonacciServiceServer = {
    // Never answers: for deadlines.
    getSequence: () => {},
    streamSequence,
  };

  const settings = (overrides: Partial<CallSettings> = {}): CallSettings => ({
    endpoint: { server: "fibonacci", address },
    signal: new AbortController().signal,
    metadata: () => new Metadata(),
    timeoutMs: undefined,
    ...overrides,
  });
  const open = (start: number) => (metadata: Metadata, options: Partial<CallOptions>) =>
    client.streamSequence({ count: 0, start }, metadata, options);

  beforeAll(async () => {
    server = new Server();
    server.addService(FibonacciServiceService, handlers);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) =>
        error === null ? resolve(bound) : reject(error),
      ),
    );
    address = `127.0.0.1:${port}`;
    client = new FibonacciServiceClient(address, credentials.createInsecure());
  });
  afterAll(() => {
    client?.close();
    server?.forceShutdown();
  });

  it("serverStream yields every message sent before a failure, then throws its status", async () => {
    const received: number[] = [];
    const reading = (async () => {
      for await (const { number } of serverStream(settings(), open(FAIL_AFTER_THREE))) {
        received.push(number?.index ?? -1);
      }
    })();
    await expect(reading).rejects.toThrow(new CliError("RESOURCE_EXHAUSTED: fell behind", 1));
    expect(received).toEqual([0, 1, 2]);
  });

  it("leaving the loop early cancels the call on the server", async () => {
    const before = cancelledStreams;
    for await (const { number } of serverStream(settings(), open(ENDLESS))) {
      if ((number?.index ?? 0) >= 2) break;
    }
    await waitFor(() => cancelledStreams > before, { what: "the server to see the cancel" });
  });

  it("aborting the signal cancels a stream", async () => {
    const controller = new AbortController();
    const reading = (async () => {
      for await (const { number } of serverStream(
        settings({ signal: controller.signal }),
        open(ENDLESS),
      )) {
        if (number?.index === 3) controller.abort();
      }
    })();
    await expect(reading).rejects.toThrow(/^CANCELLED/);
  });

  it("unaryCall applies the timeout as a gRPC deadline", async () => {
    const call = unaryCall<GetSequenceResponse>(
      settings({ timeoutMs: 50 }),
      (metadata, options, callback) =>
        client.getSequence({ count: 1, start: 0 }, metadata, options, callback),
    );
    await expect(call).rejects.toThrow(/^DEADLINE_EXCEEDED/);
  });

  it("unaryCall refuses to start once the signal has aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      unaryCall<GetSequenceResponse>(
        settings({ signal: controller.signal }),
        (metadata, options, callback) =>
          client.getSequence({ count: 1, start: 0 }, metadata, options, callback),
      ),
    ).rejects.toThrow(/aborted/);
  });
});

import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  FibonacciServiceClient,
  type StreamSequenceResponse,
} from "@fibchat/contracts/fibonacci/v1";
import { spawnServer } from "@fibchat/server-kit/testing";
import { credentials, status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { failure } from "./test-support/start-fibonacci.js";

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

describe("the fibchat-fibonacci-server process", () => {
  it("on SIGTERM ends an open stream with UNAVAILABLE and exits 0 without using up the grace period", async () => {
    const server = await spawnServer(MAIN, ["--shutdown-grace", "20s"]);
    const client = new FibonacciServiceClient(server.address, credentials.createInsecure());
    const stream = client.streamSequence({ start: 0, count: 100_000 });
    const received: StreamSequenceResponse[] = [];
    const ended = failure(
      new Promise((resolve, reject) => {
        stream.on("data", (message: StreamSequenceResponse) => received.push(message));
        stream.on("error", reject).on("end", resolve);
      }),
    );
    await new Promise((resolve) => stream.once("data", resolve));
    server.child.kill("SIGTERM");

    const error = await ended;
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(error.details).toMatch(/shutting down/);
    expect(await server.exited).toBe(0);
    client.close();
    const messages = server.lines.map((line) => line.msg);
    expect(messages).toContain("stopped");
    // The stream was ended, not waited for until the grace period ran out.
    expect(messages).not.toContain("grace period over; cutting off the calls still open");
    expect(received.length).toBeLessThan(100_000);
  });

  it("writes the access-log line of every call answered before a SIGTERM (lines are written once per turn)", async () => {
    const server = await spawnServer(MAIN, []);
    const client = new FibonacciServiceClient(server.address, credentials.createInsecure());
    const calls = 500;
    await Promise.all(
      Array.from(
        { length: calls },
        (_, start) =>
          new Promise((resolve, reject) =>
            client.getSequence({ start, count: 3 }, (error, response) =>
              error ? reject(error) : resolve(response),
            ),
          ),
      ),
    );
    // At once: the last calls' lines may still be pending in the server's turn buffer.
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    client.close();
    const finished = server.lines.filter(
      (line) =>
        line.msg === "rpc finished" && line.method === "/fibonacci.v1.FibonacciService/GetSequence",
    );
    expect(finished).toHaveLength(calls);
    expect(finished.every((line) => line.code === "OK")).toBe(true);
    expect(server.lines.at(-1)?.msg).toBe("stopped");
  });

  it.each([
    [["--port", "70000"], /invalid --port/],
    [["--max-count", "0"], /invalid --max-count/],
    [["--tls-cert", "/nonexistent.pem"], /--tls-cert and --tls-key go together/],
    [["--unknown-flag"], /--help/],
  ])("exits 2 with a clear message for %j", async (args, message) => {
    const error = await run(process.execPath, [MAIN, ...args]).then(
      () => undefined,
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(error?.code).toBe(2);
    expect(error?.stderr).toMatch(message);
  });

  it.each([
    [{ OTEL_TRACES_EXPORTER: "jaeger" }, /OTEL_TRACES_EXPORTER=jaeger is not supported/],
    [
      { OTEL_TRACES_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" },
      /OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported/,
    ],
  ])("exits 2 with a clear message for the tracing settings %j", async (env, message) => {
    const error = await run(process.execPath, [MAIN, "--port", "0"], {
      env: { ...process.env, ...env },
    }).then(
      () => undefined,
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(error?.code).toBe(2);
    expect(error?.stderr).toMatch(message);
  });

  it("announces where it listens even at --log-level warn", async () => {
    const server = await spawnServer(MAIN, ["--log-level", "warn"]);
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    // Nothing below warn but the listening line itself.
    expect(server.lines.map((line) => line.msg)).toEqual([`listening on ${server.address}`]);
  });

  it("documents every option in --help", async () => {
    const { stdout } = await run(process.execPath, [MAIN, "--help"]);
    for (const flag of [
      "--host",
      "--port",
      "--max-count",
      "--max-index",
      "--[no-]reflection",
      "--shutdown-grace",
      "--auth-token",
    ]) {
      expect(stdout).toContain(flag);
    }
  });
});

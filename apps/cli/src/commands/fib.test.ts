import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, spawnCli } from "../test-support/cli-process.js";
import { fibonacciReference } from "../test-support/fibonacci.js";
import { entryPoint } from "../test-support/paths.js";
import { waitFor } from "../test-support/poll.js";
import { hermeticEnv, type ServerProcess, startServer } from "../test-support/server-process.js";
import { startTmux } from "../test-support/tmux.js";

describe("fibchat fib, against a real fibonacci server", () => {
  let server: ServerProcess;
  const fib = (...args: string[]) => runCli(["--fib-address", server.address, "fib", ...args]);

  beforeAll(async () => {
    server = await startServer("fibonacci", ["--max-count", "5000"]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("get prints `index value` lines that match an independent BigInt loop", async () => {
    const result = await fib("get", "15");
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const expected = fibonacciReference(0, 15).map((value, index) => `${index} ${value}`);
    expect(result.stdout).toBe(`${expected.join("\n")}\n`);
  });

  it("get --start --json prints one object per number, index and value as strings", async () => {
    const result = await fib("get", "30", "--start", "90", "--json");
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const records: unknown[] = result.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    const expected = fibonacciReference(90, 30).map((value, offset) => ({
      index: String(90 + offset),
      value: String(value),
    }));
    // F(93) and above overflow int64: exact digits prove the values were never numbers.
    expect(records).toEqual(expected);
  });

  it("get 0 prints nothing and succeeds", async () => {
    expect(await fib("get", "0")).toMatchObject({ code: 0, stdout: "", stderr: "" });
  });

  it("stream --json prints every number in order, matching the BigInt loop", async () => {
    const result = await fib("stream", "2000", "--start", "10", "--json", "--progress");
    // stderr is not a terminal here, so --progress draws nothing.
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const values = result.stdout
      .trimEnd()
      .split("\n")
      .map((line): unknown => JSON.parse(line));
    expect(values).toEqual(
      fibonacciReference(10, 2000).map((value, offset) => ({
        index: String(10 + offset),
        value: String(value),
      })),
    );
  });

  it.each([["get"], ["stream"]])(
    "%s over the server's --max-count exits 1 with the status and the server's message",
    async (method) => {
      const result = await fib(method, "5001");
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/^fibchat: INVALID_ARGUMENT: count 5001 is over .*5000.*\n$/);
    },
  );

  it("stream cancelled by SIGINT exits 130, and the server sees the call cancelled", async () => {
    // Numbers near F(900000) have ~190,000 digits: the stream is still running when interrupted.
    const cli = spawnCli([
      "--fib-address",
      server.address,
      "fib",
      "stream",
      "4000",
      "--start",
      "900000",
    ]);
    await waitFor(() => cli.stdout.lines().length > 0, {
      what: "the first streamed number",
      tries: 200,
    });
    cli.kill("SIGINT");
    const result = await cli.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toBe("");
    await server.waitForLog(
      "StreamSequence to be logged as CANCELLED",
      (line) =>
        line.method === "/fibonacci.v1.FibonacciService/StreamSequence" &&
        line.code === "CANCELLED",
    );
  });

  it("stream with --timeout ends with DEADLINE_EXCEEDED (exit 1), and the server stops too", async () => {
    const before = server.logs().length;
    const result = await fib("stream", "4000", "--start", "900000", "--timeout", "1500ms");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^fibchat: DEADLINE_EXCEEDED: .*\n$/);
    // When the client's deadline passes, its RST_STREAM and the server's own deadline timer race:
    // the server logs DEADLINE_EXCEEDED if its timer fires first, CANCELLED if the reset arrives
    // first. Either way the call is over on the server, which is what this checks.
    await waitFor(
      () =>
        server
          .logs()
          .slice(before)
          .some(
            (line) =>
              line.method === "/fibonacci.v1.FibonacciService/StreamSequence" &&
              (line.code === "DEADLINE_EXCEEDED" || line.code === "CANCELLED"),
          ),
      { what: "StreamSequence to be logged as DEADLINE_EXCEEDED or CANCELLED" },
    );
  });

  it("stream into `| head -n 2` stops quietly with exit 0 when head closes the pipe", async () => {
    const { stdout, stderr } = await promisify(execFile)(
      "bash",
      [
        "-c",
        '"$0" "$1" --fib-address "$2" fib stream 5000 | head -n 2; echo "exit $PIPESTATUS" >&2',
        process.execPath,
        entryPoint("cli"),
        server.address,
      ],
      { env: hermeticEnv() },
    );
    expect(stdout).toBe("0 0\n1 1\n");
    expect(stderr).toBe("exit 0\n");
  });

  it("stream --progress draws a bar on a terminal's stderr, and Ctrl-C there exits 130 and erases it", async () => {
    const terminal = await startTmux([
      "sh",
      "-c",
      'exec "$0" "$@" > /dev/null',
      process.execPath,
      entryPoint("cli"),
      "--fib-address",
      server.address,
      "fib",
      "stream",
      "4000",
      "--start",
      "900000",
      "--progress",
    ]);
    try {
      const bar = /\[#*-*\] +\d+% {2}\d+\/4000$/;
      await terminal.waitForScreen("the progress bar", (screen) => bar.test(screen));
      await terminal.sendKeys("C-c");
      expect(await terminal.exitStatus()).toBe(130);
      expect(await terminal.screen()).toBe("[exit status 130]");
    } finally {
      await terminal.kill();
    }
  });
});

import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { GetSequenceRequest, StreamSequenceRequest } from "@fibchat/contracts/fibonacci/v1";
import { summarize } from "../stats/percentiles.js";
import { connectionPlan } from "./connection-plan.js";
import { streamResponseBytes, unaryResponseBytes } from "./expected-responses.js";
import { grpcFrame } from "./grpc-frame.js";
import type { LoadGenerator, LoadResult, SequenceRequest } from "./load-generator.js";
import { verifyResponses } from "./verify-responses.js";

const run = promisify(execFile);

/** The counts h2load prints at the end of a run. */
export interface H2loadSummary {
  readonly done: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly errored: number;
  readonly timeout: number;
  /** Bytes of HTTP/2 DATA received: response bodies, here gRPC-framed messages. */
  readonly dataBytes: number;
  /** `finished in …`: the whole run, warm-up included. */
  readonly seconds: number;
}

/** Reads the summary h2load prints to stdout; throws if a line it needs is missing. */
export function parseH2loadOutput(output: string): H2loadSummary {
  const requests =
    /requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(
      output,
    );
  const traffic = /traffic: .*?, \S+ \((\d+)\) data/.exec(output);
  const finished = /finished in ([\d.]+)(m?s),/.exec(output);
  if (!requests || !traffic || !finished) {
    throw new Error(`unexpected h2load output:\n${output.slice(-800)}`);
  }
  const [done, succeeded, failed, errored, timeout] = requests.slice(1).map(Number);
  const elapsed = Number(finished[1]);
  return {
    done: done ?? 0,
    succeeded: succeeded ?? 0,
    failed: failed ?? 0,
    errored: errored ?? 0,
    timeout: timeout ?? 0,
    dataBytes: Number(traffic[1]),
    seconds: finished[2] === "ms" ? elapsed / 1000 : elapsed,
  };
}

/**
 * Per-request durations, in milliseconds, from an h2load `--log-file` (tab-separated: start
 * time in µs, status, duration in µs). Requests that failed (status -1) are left out.
 */
export function parseH2loadLog(log: string): number[] {
  const durations: number[] = [];
  for (const line of log.split("\n")) {
    const [, code, micros] = line.split("\t");
    if (micros === undefined || code === "-1") continue;
    durations.push(Number(micros) / 1000);
  }
  return durations;
}

/** The installed h2load's version line, or undefined when h2load is not installed. */
export async function h2loadVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await run("h2load", ["--version"]);
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/**
 * Load from h2load with gRPC framing (`content-type: application/grpc`, `te: trailers`, a
 * length-prefixed request body): one client thread, connections as {@link connectionPlan} says.
 * The warm-up is a separate h2load run, so the measured run's DATA byte count covers only its
 * own responses and proves each counted response carried a full answer: a gRPC error is an
 * HTTP 200 with no DATA. A sample is also checked with a real grpc-js client.
 */
export function createH2loadGenerator(version: string, scratchDir: string): LoadGenerator {
  const h2load = async (
    target: string,
    method: string,
    body: Buffer,
    flags: string[],
    headers: Readonly<Record<string, string>> = {},
  ) => {
    const bodyFile = join(scratchDir, `${method}.bin`);
    const logFile = join(scratchDir, `${method}.log`);
    await writeFile(bodyFile, body);
    const { stdout } = await run(
      "h2load",
      [
        ...flags,
        "-t1",
        `--data=${bodyFile}`,
        "--header=content-type: application/grpc",
        "--header=te: trailers",
        ...Object.entries(headers).map(([name, value]) => `--header=${name}: ${value}`),
        `--log-file=${logFile}`,
        `http://${target}/fibonacci.v1.FibonacciService/${method}`,
      ],
      { maxBuffer: 1 << 24 },
    );
    return { summary: parseH2loadOutput(stdout), log: await readFile(logFile, "utf8") };
  };

  const result = async (
    target: string,
    request: SequenceRequest,
    method: "unary" | "stream",
    run: { summary: H2loadSummary; log: string; seconds: number; responseBytes: number },
    headers: Readonly<Record<string, string>> = {},
  ): Promise<LoadResult> => {
    const { summary } = run;
    const failures = summary.failed + summary.errored + summary.timeout;
    const problems = [
      Math.floor(summary.dataBytes / run.responseBytes) < summary.succeeded &&
        `h2load received ${summary.dataBytes} DATA bytes, fewer than ${summary.succeeded} full answers of ${run.responseBytes}: some were gRPC errors`,
      failures > 0 && `${failures} h2load requests failed, errored or timed out`,
      await verifyResponses(target, request, method, headers),
    ].filter((problem) => typeof problem === "string");
    return {
      completed: summary.succeeded,
      seconds: run.seconds,
      latency: summarize(parseH2loadLog(run.log)),
      problems,
    };
  };

  return {
    description: `${version} (gRPC framing; answers checked by DATA size and a grpc-js sample)`,
    rotatesBearerTokens: false,
    async unary(
      target,
      { request, concurrency, warmupMs, durationMs, headers = {}, bearerTokens },
    ) {
      if (bearerTokens !== undefined) {
        throw new Error("h2load sends the same headers on every call: it cannot rotate tokens");
      }
      const { connections, callsPerConnection } = connectionPlan(concurrency);
      const body = grpcFrame(GetSequenceRequest.encode(request).finish());
      const shape = [`-c${connections}`, `-m${callsPerConnection}`];
      await h2load(target, "GetSequence", body, [...shape, `-D${warmupMs}ms`], headers);
      const measured = await h2load(
        target,
        "GetSequence",
        body,
        [...shape, `-D${durationMs}ms`],
        headers,
      );
      return result(
        target,
        request,
        "unary",
        { ...measured, seconds: durationMs / 1000, responseBytes: unaryResponseBytes(request) },
        headers,
      );
    },
    async stream(target, { request, concurrency, warmupStreams, streams }) {
      const { connections, callsPerConnection } = connectionPlan(concurrency);
      const body = grpcFrame(StreamSequenceRequest.encode(request).finish());
      const shape = [`-c${connections}`, `-m${callsPerConnection}`];
      await h2load(target, "StreamSequence", body, [...shape, `-n${warmupStreams}`]);
      const measured = await h2load(target, "StreamSequence", body, [...shape, `-n${streams}`]);
      return result(target, request, "stream", {
        ...measured,
        seconds: measured.summary.seconds,
        responseBytes: streamResponseBytes(request),
      });
    },
  };
}

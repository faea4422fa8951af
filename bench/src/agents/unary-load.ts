import { connectionPlan } from "../load/connection-plan.js";
import { createLatencyRecorder } from "../stats/latency-recorder.js";
import { type Flags, readFlags } from "./agent-io.js";
import type { AgentReport } from "./agent-report.js";
import { readCallMetadata } from "./call-metadata.js";
import { describeFailure } from "./clients.js";
import { clientKind, type SequenceClient, sequenceClient } from "./sequence-client.js";

/**
 * The grpc-js stand-in for h2load on unary calls, through `client` (the generated grpc-js client,
 * or `@fibchat/client`): `concurrency` closed-loop callers, spread over
 * connections as {@link connectionPlan} says, calling GetSequence for `warmup-ms` unmeasured, then
 * `duration-ms` measured, each call with the metadata {@link readCallMetadata} gives. A call
 * counts only if it started and ended inside the measured window, and succeeds only with OK and
 * `count` numbers.
 */
export async function unaryLoad(args: readonly string[]): Promise<AgentReport> {
  const flags = readFlags(args);
  const request = { start: flags.number("start"), count: flags.number("count") };
  const plan = connectionPlan(flags.number("concurrency"));
  const kind = clientKind(flags.string("client"));
  const clients = Array.from({ length: plan.connections }, () =>
    sequenceClient(kind, flags.string("target")),
  );
  const metadata = await readCallMetadata(flags);
  const window = measuredWindow(flags);
  const latency = createLatencyRecorder();
  let failures = 0;
  let firstFailure = "";
  const caller = async (client: SequenceClient) => {
    while (performance.now() < window.end) {
      const startedAt = performance.now();
      try {
        if ((await client.get(request, metadata())) !== request.count)
          throw new Error("wrong number count");
        const endedAt = performance.now();
        if (startedAt >= window.start && endedAt <= window.end) latency.record(endedAt - startedAt);
      } catch (error) {
        failures++;
        firstFailure ||= describeFailure(error);
      }
    }
  };
  await Promise.all(
    clients.flatMap((client) =>
      Array.from({ length: plan.callsPerConnection }, () => caller(client)),
    ),
  );
  for (const client of clients) client.close();
  return {
    completed: latency.count,
    seconds: (window.end - window.start) / 1000,
    failures,
    firstFailure,
    latency: latency.summary(),
    counters: {},
  };
}

function measuredWindow(flags: Flags): { start: number; end: number } {
  const start = performance.now() + flags.number("warmup-ms");
  return { start, end: start + flags.number("duration-ms") };
}

import { connectionPlan } from "../load/connection-plan.js";
import { createLatencyRecorder } from "../stats/latency-recorder.js";
import { readFlags } from "./agent-io.js";
import type { AgentReport } from "./agent-report.js";
import { describeFailure } from "./clients.js";
import { clientKind, type SequenceClient, sequenceClient } from "./sequence-client.js";

/**
 * The grpc-js stand-in for h2load on StreamSequence, through `client` (the generated grpc-js
 * client, or `@fibchat/client`): `warmup-streams` unmeasured streams, then
 * `streams` measured ones, `concurrency` at a time, each read to its end. A stream succeeds only
 * with OK and exactly `count` messages; latency is the time to read a whole stream.
 */
export async function streamLoad(args: readonly string[]): Promise<AgentReport> {
  const flags = readFlags(args);
  const request = { start: flags.number("start"), count: flags.number("count") };
  const plan = connectionPlan(flags.number("concurrency"));
  const kind = clientKind(flags.string("client"));
  const clients = Array.from({ length: plan.connections }, () =>
    sequenceClient(kind, flags.string("target")),
  );
  const latency = createLatencyRecorder();
  let failures = 0;
  let firstFailure = "";
  const run = async (streams: number, measured: boolean) => {
    let remaining = streams;
    const caller = async (client: SequenceClient) => {
      while (remaining > 0) {
        remaining--;
        const startedAt = performance.now();
        try {
          const messages = await client.stream(request);
          if (messages !== request.count) throw new Error(`${messages} of ${request.count} read`);
          if (measured) latency.record(performance.now() - startedAt);
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
  };
  await run(flags.number("warmup-streams"), false);
  const startedAt = performance.now();
  await run(flags.number("streams"), true);
  const seconds = (performance.now() - startedAt) / 1000;
  for (const client of clients) client.close();
  return {
    completed: latency.count,
    seconds,
    failures,
    firstFailure,
    latency: latency.summary(),
    counters: { messages: latency.count * request.count },
  };
}

import type { AgentReport } from "../agents/agent-report.js";
import { startAgent } from "../agents/start-agent.js";
import type { LoadGenerator, LoadResult } from "./load-generator.js";

/** Extra time an agent gets beyond its planned run before it is killed. */
const AGENT_GRACE_MS = 60_000;

/**
 * Load from grpc-js clients in a separate process, for machines without h2load. They decode
 * every answer, so they check each one, but they cost more CPU than h2load on the same cores:
 * absolute numbers are lower, and the fibchat/baseline ratio is the number to read.
 */
export function createAgentLoadGenerator(reason: string): LoadGenerator {
  return {
    description: `grpc-js load agent in a separate process (${reason})`,
    async unary(target, { request, concurrency, warmupMs, durationMs, client = "grpc-js" }) {
      const agent = startAgent(
        "unary-load",
        {
          target,
          client,
          concurrency,
          ...request,
          "warmup-ms": warmupMs,
          "duration-ms": durationMs,
        },
        warmupMs + durationMs + AGENT_GRACE_MS,
      );
      return fromReport(await agent.report);
    },
    async stream(target, { request, concurrency, warmupStreams, streams, client = "grpc-js" }) {
      const agent = startAgent(
        "stream-load",
        { target, client, concurrency, ...request, "warmup-streams": warmupStreams, streams },
        AGENT_GRACE_MS * 5,
      );
      return fromReport(await agent.report);
    },
  };
}

function fromReport(report: AgentReport): LoadResult {
  return {
    completed: report.completed,
    seconds: report.seconds,
    latency: report.latency,
    problems:
      report.failures === 0
        ? []
        : [`${report.failures} calls failed; first: ${report.firstFailure}`],
  };
}

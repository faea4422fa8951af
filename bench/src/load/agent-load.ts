import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentReport } from "../agents/agent-report.js";
import { startAgent } from "../agents/start-agent.js";
import type { LoadGenerator, LoadResult } from "./load-generator.js";

/** Extra time an agent gets beyond its planned run before it is killed. */
const AGENT_GRACE_MS = 60_000;

/**
 * Load from grpc-js clients in a separate process, for machines without h2load. They decode
 * every answer, so they check each one, but they cost more CPU than h2load on the same cores:
 * absolute numbers are lower, and the fibchat/baseline ratio is the number to read. Bearer tokens
 * to rotate through go to the agent in a file under `scratchDir`, removed after the run.
 */
export function createAgentLoadGenerator(reason: string, scratchDir = tmpdir()): LoadGenerator {
  return {
    description: `grpc-js load agent in a separate process (${reason})`,
    rotatesBearerTokens: true,
    async unary(target, load) {
      const { request, concurrency, warmupMs, durationMs, client = "grpc-js", bearerTokens } = load;
      // Thousands of tokens would overflow the command line (and show in `ps`): a file carries them.
      const tokensDir =
        bearerTokens === undefined ? undefined : await mkdtemp(join(scratchDir, "bearer-tokens-"));
      try {
        const tokensFile = tokensDir === undefined ? undefined : join(tokensDir, "tokens");
        if (tokensFile !== undefined && bearerTokens !== undefined) {
          await writeFile(tokensFile, `${bearerTokens.join("\n")}\n`, { mode: 0o600 });
        }
        const agent = startAgent(
          "unary-load",
          {
            target,
            client,
            concurrency,
            ...request,
            "warmup-ms": warmupMs,
            "duration-ms": durationMs,
            ...(load.headers !== undefined && { headers: JSON.stringify(load.headers) }),
            ...(tokensFile !== undefined && { "bearer-tokens-file": tokensFile }),
          },
          warmupMs + durationMs + AGENT_GRACE_MS,
        );
        return fromReport(await agent.report);
      } finally {
        if (tokensDir !== undefined) await rm(tokensDir, { recursive: true, force: true });
      }
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

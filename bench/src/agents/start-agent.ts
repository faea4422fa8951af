import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { trackChild } from "../process/child-registry.js";
import { type AgentReport, isAgentMessage } from "./agent-report.js";

/** The agents, as `agents/main.ts` names them. */
export type AgentName =
  | "unary-load"
  | "stream-load"
  | "chat-post"
  | "fan-out-receive"
  | "fan-out-post"
  | "slow-readers";

/** A load agent running in its own process. */
export interface RunningAgent {
  readonly pid: number;
  /** Resolves when the agent reports the milestone `name` (at once if it already has). */
  milestone(name: string): Promise<void>;
  /** Resolves with the agent's report; rejects if it exits without one. */
  readonly report: Promise<AgentReport>;
}

const AGENT_MAIN = fileURLToPath(new URL("./main.js", import.meta.url));

/**
 * Forks `agents/main.js <name> --flag value …`. Agents run in their own process so that the
 * client's work shares neither the server's event loop nor the harness's, which samples /proc.
 * An agent still running after `timeoutMs` is killed, and its report rejects.
 */
export function startAgent(
  name: AgentName,
  flags: Readonly<Record<string, string | number>>,
  timeoutMs: number,
): RunningAgent {
  const args = [name, ...Object.entries(flags).map(([flag, value]) => `--${flag}=${value}`)];
  const child = fork(AGENT_MAIN, args, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  if (child.pid === undefined) throw new Error(`agent ${name} did not start`);
  trackChild(child);
  const seen = new Set<string>();
  const waiting = new Map<string, (() => void)[]>();
  let settle: { resolve(report: AgentReport): void; reject(error: Error): void } | undefined;
  const report = new Promise<AgentReport>((resolve, reject) => {
    settle = { resolve, reject };
  });
  child.on("message", (message: unknown) => {
    if (!isAgentMessage(message)) {
      settle?.reject(new Error(`agent ${name} sent an unexpected message`));
    } else if (message.type === "report") {
      settle?.resolve(message.report);
    } else {
      seen.add(message.name);
      for (const wake of waiting.get(message.name) ?? []) wake();
      waiting.delete(message.name);
    }
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  child.on("exit", (code, signal) => {
    clearTimeout(timer);
    const how = signal === "SIGKILL" ? `was killed after ${timeoutMs} ms` : `exited with ${code}`;
    settle?.reject(new Error(`agent ${name} ${how} without a report`));
  });
  // Rejections reach whoever awaits the report; until then they must not count as unhandled.
  report.catch(() => {});
  return {
    pid: child.pid,
    report,
    milestone: (milestone) =>
      seen.has(milestone)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) =>
              waiting.set(milestone, [...(waiting.get(milestone) ?? []), resolve]),
            ),
            report.then(() => {
              throw new Error(`agent ${name} finished before reaching "${milestone}"`);
            }),
          ]),
  };
}

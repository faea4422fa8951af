import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { type Captured, capture } from "./lines.js";
import { entryPoint } from "./paths.js";
import { waitFor } from "./poll.js";

/** A server running as a child process on an ephemeral port. */
export interface ServerProcess {
  /** `127.0.0.1:PORT`, from the server's `listening` log line. */
  readonly address: string;
  readonly port: number;
  /** The server's JSON log lines so far (stdout), parsed. */
  logs(): Record<string, unknown>[];
  /** Waits for a log line `matches` accepts, and returns it. */
  waitForLog(
    what: string,
    matches: (line: Record<string, unknown>) => boolean,
  ): Promise<Record<string, unknown>>;
  /** Stops the server (SIGTERM, then SIGKILL after 5s) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts the built `fibonacci` or `chat` server with `--port 0` (unless `args` name a port;
 * the chat server with `--store memory` unless they name a store) and resolves once it logs
 * that it is listening.
 */
export async function startServer(
  kind: "fibonacci" | "chat",
  args: readonly string[] = [],
): Promise<ServerProcess> {
  const defaults = kind === "chat" && !args.includes("--store") ? ["--store", "memory"] : [];
  const port = args.includes("--port") ? [] : ["--port", "0"];
  const child = spawn(
    process.execPath,
    [entryPoint(kind), ...port, "--log-level", "info", ...defaults, ...args],
    { stdio: ["ignore", "pipe", "pipe"], env: hermeticEnv() },
  );
  const stdout = capture(child.stdout);
  const stderr = capture(child.stderr);
  const logs = () => parseLogs(stdout);
  const exited = once(child, "exit");
  const describe = () => `stdout:\n${stdout.text()}\nstderr:\n${stderr.text()}`;
  const waitForLog: ServerProcess["waitForLog"] = (what, matches) =>
    waitFor(() => logs().find(matches), { what, describe });

  try {
    const listening = await waitFor(
      () => {
        if (child.exitCode !== null)
          throw new Error(`the ${kind} server exited at start\n${describe()}`);
        return logs().find(
          (line) => typeof line.msg === "string" && line.msg.startsWith("listening on"),
        );
      },
      { what: `the ${kind} server to listen`, describe, tries: 200 },
    );
    const address = String(listening.address);
    return {
      address,
      port: Number(address.slice(address.lastIndexOf(":") + 1)),
      logs,
      waitForLog,
      stop: () => stopChild(child, exited),
    };
  } catch (error) {
    await stopChild(child, exited);
    throw error;
  }
}

/** The test's environment without the variables that would change what the programs do. */
export function hermeticEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("FIBCHAT_") && name !== "NO_COLOR" && name !== "FORCE_COLOR")
      env[name] = value;
  }
  return { ...env, ...extra };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(killer);
}

function parseLogs(stdout: Captured): Record<string, unknown>[] {
  const parsed: Record<string, unknown>[] = [];
  for (const line of stdout.lines()) {
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        parsed.push(Object.fromEntries(Object.entries(value)));
      }
    } catch {
      // Not a log line (the server prints only JSON at this level, but be lenient).
    }
  }
  return parsed;
}

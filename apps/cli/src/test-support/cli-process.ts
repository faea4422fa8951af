import { spawn } from "node:child_process";
import { once } from "node:events";
import { type Captured, capture } from "./lines.js";
import { entryPoint } from "./paths.js";
import { hermeticEnv } from "./server-process.js";

/** How a finished CLI run ended. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A CLI run still in progress. */
export interface RunningCli {
  readonly stdout: Captured;
  readonly stderr: Captured;
  /** Writes to the CLI's stdin; `end()` closes it. */
  readonly stdin: NodeJS.WritableStream;
  kill(signal: NodeJS.Signals): void;
  readonly done: Promise<CliResult>;
}

/** Options of a CLI run. */
export interface CliOptions {
  /** Extra environment variables (the test's FIBCHAT_* and NO_COLOR are never passed on). */
  readonly env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed; stdin is empty otherwise. */
  readonly input?: string;
}

/** Starts `node apps/cli/dist/main.js …args` with piped stdio. */
export function spawnCli(
  args: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv } = {},
): RunningCli {
  const child = spawn(process.execPath, [entryPoint("cli"), ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env: hermeticEnv(options.env),
  });
  const stdout = capture(child.stdout);
  const stderr = capture(child.stderr);
  // A CLI that exits before reading all its input closes the pipe; that is not the test's error.
  child.stdin.on("error", () => {});
  const done = once(child, "close").then(([code, signal]: unknown[]) => ({
    code: typeof code === "number" ? code : null,
    signal: isSignal(signal) ? signal : null,
    stdout: stdout.text(),
    stderr: stderr.text(),
  }));
  return { stdout, stderr, stdin: child.stdin, kill: (signal) => child.kill(signal), done };
}

/** Runs the CLI to completion and returns its exit code and output. */
export async function runCli(
  args: readonly string[],
  options: CliOptions = {},
): Promise<CliResult> {
  const cli = spawnCli(args, options.env === undefined ? {} : { env: options.env });
  cli.stdin.end(options.input ?? "");
  return cli.done;
}

function isSignal(value: unknown): value is NodeJS.Signals {
  return typeof value === "string" && value.startsWith("SIG");
}

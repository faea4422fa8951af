import { type ChildProcessByStdio, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

/** A server running as a child process, and its parsed log lines. */
export interface SpawnedServer {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly address: string;
  readonly lines: Record<string, unknown>[];
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** Everything the process has written to stderr so far. */
  stderr(): string;
}

/** How {@link spawnServer} starts the process. */
export interface SpawnOptions {
  /** Options for `node` itself, before the script (`--expose-gc`, `--import …`). */
  readonly nodeArgs?: readonly string[];
  /** Variables added to this process's environment for the server (`OTEL_*` …). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Starts the server script `main` (a built `dist/main.js`) with `--port 0 …args` as a child
 * process, and waits for its `listening` line to learn the address.
 */
export async function spawnServer(
  main: string,
  args: readonly string[],
  { nodeArgs = [], env = {} }: SpawnOptions = {},
): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [...nodeArgs, main, "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = once(child, "exit").then(([code]: unknown[]) =>
    typeof code === "number" ? code : null,
  );
  const lines: Record<string, unknown>[] = [];
  const address = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) =>
      reject(new Error(`server exited with ${code} before listening: ${stderr.trim()}`)),
    );
    createInterface({ input: child.stdout }).on("line", (text) => {
      const line = parseJson(text);
      if (typeof line !== "object" || line === null) return;
      lines.push({ ...line });
      if (
        "address" in line &&
        typeof line.address === "string" &&
        "msg" in line &&
        String(line.msg).startsWith("listening")
      ) {
        resolve(line.address);
      }
    });
  });
  return { child, address, lines, exited, stderr: () => stderr };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

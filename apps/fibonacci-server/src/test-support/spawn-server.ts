import { type ChildProcessByStdio, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";

/** The built server entry point (tests of the process itself run what users run). */
export const MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));

/** A server running as a child process, and its parsed log lines. */
export interface SpawnedServer {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly address: string;
  readonly lines: Record<string, unknown>[];
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
}

/** Starts `node dist/main.js --port 0 …args` and waits for its `listening` line. */
export async function spawnServer(args: readonly string[]): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [MAIN, "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = once(child, "exit").then(([code]: unknown[]) =>
    typeof code === "number" ? code : null,
  );
  const lines: Record<string, unknown>[] = [];
  const address = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`server exited with ${code} before listening`)));
    createInterface({ input: child.stdout }).on("line", (text) => {
      const line: unknown = JSON.parse(text);
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
  return { child, address, lines, exited };
}

import { PassThrough } from "node:stream";
import type { CliIo } from "../context.js";
import { type Captured, capture } from "./lines.js";

/** A {@link CliIo} in memory, for running the CLI in-process: nothing is a terminal. */
export interface MemoryIo {
  readonly io: CliIo;
  readonly stdout: Captured;
  readonly stderr: Captured;
}

/** Creates a {@link MemoryIo} whose stdin holds `input` and is then ended. */
export function memoryIo(input = "", env: NodeJS.ProcessEnv = {}): MemoryIo {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdin.end(input);
  return { io: { stdin, stdout, stderr, env }, stdout: capture(stdout), stderr: capture(stderr) };
}

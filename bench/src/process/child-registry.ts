import type { ChildProcess } from "node:child_process";

const live = new Set<ChildProcess>();

/**
 * Remembers `child` until it exits, so that {@link killChildren} can stop it: servers and
 * agents must not outlive an interrupted benchmark.
 */
export function trackChild(child: ChildProcess): void {
  live.add(child);
  child.once("exit", () => live.delete(child));
}

/** Sends SIGKILL to every tracked child still running. */
export function killChildren(): void {
  for (const child of live) child.kill("SIGKILL");
}

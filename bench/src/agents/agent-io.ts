import { parseArgs } from "node:util";
import type { AgentReport } from "./agent-report.js";

/** Typed access to an agent's `--name=value` flags; a missing or malformed one throws. */
export interface Flags {
  string(name: string): string;
  /** The flag's value, or undefined when it was not given. */
  optionalString(name: string): string | undefined;
  /** A finite number. */
  number(name: string): number;
}

/** Reads `--name=value` flags (the form `startAgent` writes). */
export function readFlags(args: readonly string[]): Flags {
  const { values } = parseArgs({ args: [...args], strict: false });
  const optionalString = (name: string) => {
    const value = values[name];
    return typeof value === "string" ? value : undefined;
  };
  const string = (name: string) => {
    const value = optionalString(name);
    if (value === undefined) throw new Error(`agent flag --${name}=VALUE is missing`);
    return value;
  };
  return {
    string,
    optionalString,
    number(name) {
      const value = Number(string(name));
      if (!Number.isFinite(value)) throw new Error(`agent flag --${name} is not a number`);
      return value;
    },
  };
}

/** Tells the harness a milestone was reached, e.g. `ready` once every session has joined. */
export function announce(name: string): void {
  process.send?.({ type: "event", name });
}

/** Sends the final report and resolves once it is on its way. */
export function sendReport(report: AgentReport): Promise<void> {
  return new Promise((resolve, reject) => {
    if (process.send === undefined) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
      resolve();
      return;
    }
    process.send({ type: "report", report }, (error: Error | null) =>
      error ? reject(error) : resolve(),
    );
  });
}

/** A wall-clock time in milliseconds with sub-millisecond resolution, comparable across processes. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

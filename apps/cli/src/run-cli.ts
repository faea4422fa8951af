import { CommanderError } from "@commander-js/extra-typings";
import { type CliContext, type CliIo, createContext } from "./context.js";
import { CliError, ExitCode } from "./errors.js";
import { createProgram } from "./program.js";
import { createStopper, exitCodeOfStop } from "./stop.js";

/** How {@link runCli} is run. */
export interface RunOptions {
  readonly version: string;
  /** Aborts on Ctrl-C: the command cancels its calls and the run ends with 130. */
  readonly interrupt?: AbortSignal;
  /** Trace every call (the process registered an OpenTelemetry SDK). */
  readonly tracing?: boolean;
}

/**
 * Runs one `fibchat` command line (without `node` and the script) and resolves with the exit
 * code; never exits the process and never rejects. Failures are explained on `io.stderr` in one
 * line; stdout carries only results. Every client is closed before it resolves.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  options: RunOptions,
): Promise<ExitCode> {
  const stop = createStopper(options.interrupt);
  let context: CliContext | undefined;
  const program = createProgram({
    version: options.version,
    io,
    context: (globals) => {
      context ??= createContext(globals, io, stop, options.tracing);
      return context;
    },
  });
  const fail = (message: string, exitCode: ExitCode) => {
    io.stderr.write(`fibchat: ${message}\n`);
    return exitCode;
  };
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (stop.reason === undefined) {
      if (error instanceof CliError) return fail(error.message, error.exitCode);
      return fail(
        `unexpected error (a bug in fibchat): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ExitCode.failure,
      );
    }
  } finally {
    context?.clients.close();
  }
  const outputFailure = context?.output.failure;
  if (outputFailure !== undefined) {
    return fail(`cannot write to stdout: ${outputFailure.message}`, ExitCode.failure);
  }
  return stop.reason === undefined ? ExitCode.ok : exitCodeOfStop(stop.reason);
}

#!/usr/bin/env node
import { ExitCode } from "./errors.js";
import { packageVersion } from "./package-version.js";
import { runCli } from "./run-cli.js";

const interrupt = new AbortController();
process.on("SIGINT", () => {
  // A second Ctrl-C means "now": do not wait for calls to wind down.
  if (interrupt.signal.aborted) process.exit(ExitCode.interrupted);
  interrupt.abort();
});

process.exitCode = await runCli(process.argv.slice(2), process, {
  version: packageVersion(),
  interrupt: interrupt.signal,
});

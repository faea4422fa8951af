#!/usr/bin/env node
import { startTracingFromEnv } from "@fibchat/tracing-sdk";
import { ExitCode } from "./errors.js";
import { packageVersion } from "./package-version.js";
import { runCli } from "./run-cli.js";

// stderr is for people: a dependency's deprecation notice is noise to them. (grpc-js sets the
// TLS server name to the host even when it is an IP address, which Node deprecates: DEP0123.)
process.noDeprecation = true;

// With stderr gone too (`2>&1 | head`) there is nowhere left to report anything.
process.stderr.on("error", () => {});
// Results handle a closed stdout themselves (see output.ts); this covers what commander writes,
// such as `fibchat chat --help | head`, which would otherwise die of an unhandled EPIPE.
process.stdout.on("error", () => {});

const interrupt = new AbortController();
process.on("SIGINT", () => {
  // A second Ctrl-C means "now": do not wait for calls to wind down.
  if (interrupt.signal.aborted) process.exit(ExitCode.interrupted);
  interrupt.abort();
});

// The standard OTEL_* variables turn tracing on (OTEL_TRACES_EXPORTER=otlp), as for the servers:
// each call's CLIENT span is sent to the server as `traceparent`, so one trace runs from here
// through the server to its store.
const tracing = await startTracingFromEnv(process.env, {
  serviceName: "fibchat",
  serviceVersion: packageVersion(),
}).catch((error: unknown) => {
  process.stderr.write(`fibchat: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(ExitCode.usage);
});

process.exitCode = await runCli(process.argv.slice(2), process, {
  version: packageVersion(),
  interrupt: interrupt.signal,
  tracing: tracing !== undefined,
});
// Spans are exported in batches: send what is left before the process ends.
await tracing?.shutdown();

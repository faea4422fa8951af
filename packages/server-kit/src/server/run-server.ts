import { startTracingFromEnv, TracingConfigError, type TracingSdk } from "@fibchat/tracing-sdk";
import { formatHelp } from "../config/format-help.js";
import { ConfigError, type ConfigOf, type OptionTable } from "../config/option.js";
import { parseCommandLine } from "../config/parse-config.js";

import type { ServerApp } from "./server-app.js";

/** What {@link runServer} needs to turn a process into a server. */
export interface RunServerOptions<Table extends OptionTable> {
  /** The executable's name, for `--help` and the log. */
  readonly command: string;
  readonly summary: string;
  readonly version: string;
  /** Every option of the server: the common ones and its own. */
  readonly options: Table;
  /**
   * Builds the server (and its logger, see `createLogger`) from the parsed config; may throw
   * `ConfigError`.
   */
  create(config: ConfigOf<Table>): Promise<ServerApp>;
}

/**
 * The whole life of a server process: parse flags and environment (a bad value prints the
 * problem and exits 2), start the OpenTelemetry trace SDK when the `OTEL_*` environment asks
 * for it, build and bind the server, and on SIGINT or SIGTERM shut down gracefully (exporting the
 * spans still buffered) and exit 0. A second signal exits at once with 130.
 */
export async function runServer<Table extends OptionTable>(
  spec: RunServerOptions<Table>,
  argv: readonly string[] = process.argv.slice(2),
): Promise<void> {
  let config: ConfigOf<Table>;
  try {
    const parsed = parseCommandLine(spec.options, argv, process.env);
    if (parsed.kind === "help")
      return void process.stdout.write(formatHelp(spec.command, spec.summary, spec.options));
    if (parsed.kind === "version") return void process.stdout.write(`${spec.version}\n`);
    config = parsed.config;
  } catch (error) {
    return exitWithConfigError(spec.command, error);
  }

  let app: ServerApp;
  let tracing: TracingSdk | undefined;
  try {
    tracing = await startTracingFromEnv(process.env, {
      serviceName: spec.command,
      serviceVersion: spec.version,
    });
    app = await spec.create(config);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof TracingConfigError) {
      return exitWithConfigError(spec.command, error);
    }
    throw error;
  }
  const { log } = app;
  process.on("uncaughtException", (error) => {
    log.fatal({ err: error }, "uncaught exception; exiting");
    process.exit(1);
  });
  process.on("unhandledRejection", (reason) => {
    log.fatal({ err: reason }, "unhandled promise rejection; exiting");
    process.exit(1);
  });
  // Signal handlers go in before listening: a supervisor may signal as soon as it reads the
  // listening line, and Node's default for SIGTERM would kill the process without a shutdown.
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      log.warn({ signal }, "second signal; exiting without waiting");
      process.exit(130);
    }
    log.info({ signal }, "signal received");
    app.shutdown().then(
      async () => {
        await tracing?.shutdown();
        process.exit(0);
      },
      (error: unknown) => {
        log.fatal({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await app.listen();
  } catch (error) {
    if (error instanceof ConfigError) {
      log.fatal(error.message);
      return exitWithConfigError(spec.command, error);
    }
    throw error;
  }
}

function exitWithConfigError(command: string, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${command}: ${message}\n`);
  process.exit(2);
}

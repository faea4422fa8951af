import { Command, Option } from "@commander-js/extra-typings";
import { FibchatError, isConnectionRefused } from "@fibchat/client";
import type { CliContext } from "../context.js";
import { CliError, describeFailure, type Endpoint, ExitCode } from "../errors.js";

// The names the servers register with grpc.health.v1, one per served service.
const SERVICE_NAMES = {
  fibonacci: "fibonacci.v1.FibonacciService",
  chat: "chat.v1.ChatService",
} as const satisfies Record<Endpoint["server"], string>;

// grpc.health.v1 asks clients to set a deadline on Check; used when --timeout is not given.
const DEFAULT_HEALTH_TIMEOUT_MS = 5000;

/** `fibchat health`: the grpc.health.v1 Check of each server. */
export function healthCommand(context: () => CliContext): Command {
  return new Command("health")
    .description(
      "check that the servers are up and serving (grpc.health.v1 Check; no token needed)",
    )
    .addOption(
      new Option("--service <server>", "check only this server (default: both)").choices([
        "fibonacci",
        "chat",
      ] as const),
    )
    .addHelpText(
      "after",
      `
Prints one line per server: name, address, status. Exits 0 only when every server checked is
SERVING. Each check has a 5s deadline unless --timeout says otherwise.

Examples:
  $ fibchat health
  $ fibchat health --service chat --json`,
    )
    .action(async ({ service }) => {
      const servers = service === undefined ? (["fibonacci", "chat"] as const) : [service];
      await checkHealth(context(), servers);
    });
}

interface HealthResult {
  readonly endpoint: Endpoint;
  /** SERVING, NOT_SERVING … when the server answered, else the gRPC status of the failed call. */
  readonly status: string;
  readonly serving: boolean;
  readonly error: string | undefined;
}

async function checkHealth(
  context: CliContext,
  servers: readonly Endpoint["server"][],
): Promise<void> {
  const results = await Promise.all(servers.map((server) => check(context, server)));
  for (const { endpoint, status, error } of results) {
    const look = status === "SERVING" ? context.style.stdout.good : context.style.stdout.bad;
    await context.output.result(
      [
        endpoint.server.padEnd(9),
        endpoint.address,
        look(status),
        ...(error === undefined ? [] : [error]),
      ].join("  "),
      {
        server: endpoint.server,
        address: endpoint.address,
        service: SERVICE_NAMES[endpoint.server],
        status,
        ...(error === undefined ? {} : { error }),
      },
    );
  }
  const failing = results
    .filter((result) => !result.serving)
    .map((result) => result.endpoint.server);
  if (failing.length > 0) {
    throw new CliError(`not serving: ${failing.join(", ")}`, ExitCode.failure);
  }
}

async function check(context: CliContext, server: Endpoint["server"]): Promise<HealthResult> {
  const { client, endpoint } = context.clients.health(server);
  const options = context.callOptions({ deadline: true });
  try {
    const status = await client.check(SERVICE_NAMES[server], {
      ...options,
      timeoutMs: options.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS,
    });
    return { endpoint, status, serving: status === "SERVING", error: undefined };
  } catch (error) {
    if (context.stop.signal.aborted || !(error instanceof FibchatError)) throw error;
    const reason = isConnectionRefused(error) ? describeFailure(error, endpoint) : error.details;
    return { endpoint, status: error.code, serving: false, error: reason };
  }
}

import { FibchatError, isConnectionRefused } from "@fibchat/client";

/** The process exit codes of `fibchat`, as documented in its help and README. */
export const ExitCode = {
  /** Everything asked for was done. */
  ok: 0,
  /** An RPC failed, a post was rejected, or a server is not serving. */
  failure: 1,
  /** The command line (or a file it names) is wrong: nothing was sent. */
  usage: 2,
  /** Ctrl-C (SIGINT) stopped the command. */
  interrupted: 130,
} as const;

/** One of the values of {@link ExitCode}. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The one error a command throws to end the process: `message` is one line for people (printed
 * after `fibchat: ` on stderr) and `exitCode` is what the process exits with. The `cause` is kept
 * for debugging and never printed.
 */
export class CliError extends Error {
  override readonly name = "CliError";

  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Which server a call went to, so an error can say where to look. */
export interface Endpoint {
  /** The server's role, as people call it: `fibonacci` or `chat`. */
  readonly server: "fibonacci" | "chat";
  /** The gRPC target the CLI dialled, as given on the command line. */
  readonly address: string;
}

/**
 * Explains a failed call in one line: a server that refused the connection is named with its
 * address and how to start it; any other failure shows its status name and the server's message.
 */
export function describeFailure(error: FibchatError, endpoint: Endpoint): string {
  if (isConnectionRefused(error)) {
    return `cannot reach the ${endpoint.server} server at ${endpoint.address} (connection refused): start the servers with \`pnpm start\``;
  }
  return error.message;
}

/** Turns whatever a call threw into the {@link CliError} that ends the command. */
export function rpcFailure(error: unknown, endpoint: Endpoint): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof FibchatError) {
    return new CliError(describeFailure(error, endpoint), ExitCode.failure, { cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new CliError(
    `call to the ${endpoint.server} server at ${endpoint.address} failed: ${reason}`,
    ExitCode.failure,
    { cause: error },
  );
}

/** Runs one call to `endpoint`, turning its failure into the {@link CliError} that explains it. */
export async function explained<T>(endpoint: Endpoint, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw rpcFailure(error, endpoint);
  }
}

/** The items of a streaming call to `endpoint`, its failure turned into a {@link CliError}. */
export async function* explainedStream<T>(
  endpoint: Endpoint,
  items: AsyncIterable<T>,
): AsyncGenerator<T, void, undefined> {
  try {
    yield* items;
  } catch (error) {
    throw rpcFailure(error, endpoint);
  }
}

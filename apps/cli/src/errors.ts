import { type ServiceError, status } from "@grpc/grpc-js";

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

/** True for the errors grpc-js hands to callbacks and emits on streams: an `Error` with a status. */
export function isServiceError(error: unknown): error is ServiceError {
  return (
    error instanceof Error &&
    "code" in error &&
    typeof error.code === "number" &&
    "details" in error &&
    typeof error.details === "string"
  );
}

/** The name of a gRPC status code (`INVALID_ARGUMENT`), or `CODE 42` for one grpc-js doesn't know. */
export function statusName(code: number): string {
  return status[code] ?? `CODE ${code}`;
}

/**
 * Explains a failed call in one line: a server that refused the connection is named with its
 * address and how to start it; any other failure shows its status name and the server's message.
 */
export function describeRpcError(error: ServiceError, endpoint: Endpoint): string {
  if (isConnectionRefused(error)) {
    return `cannot reach the ${endpoint.server} server at ${endpoint.address} (connection refused): start the servers with \`pnpm start\``;
  }
  return `${statusName(error.code)}: ${rpcDetails(error)}`;
}

/**
 * The server's message of a failed call on one line: grpc-js's connection errors embed
 * OpenSSL's multi-line text and end in an empty "Resolution note: ", and the CLI promises one
 * line per error.
 */
export function rpcDetails(error: ServiceError): string {
  const details = error.details
    .replace(/\s*\n\s*/g, " ")
    .replace(/\.? Resolution note:\s*$/, "")
    .trim();
  return details === "" ? "(no message)" : details;
}

/** True when nothing listens at the address: the server is not running (or not there). */
export function isConnectionRefused(error: ServiceError): boolean {
  return error.code === status.UNAVAILABLE && /ECONNREFUSED/.test(error.details);
}

/** Turns whatever a call threw into the {@link CliError} that ends the command. */
export function rpcFailure(error: unknown, endpoint: Endpoint): CliError {
  if (error instanceof CliError) return error;
  if (isServiceError(error)) {
    return new CliError(describeRpcError(error, endpoint), ExitCode.failure, { cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new CliError(
    `call to the ${endpoint.server} server at ${endpoint.address} failed: ${reason}`,
    ExitCode.failure,
    { cause: error },
  );
}

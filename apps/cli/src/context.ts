import type { CallOptions } from "@fibchat/client";
import { type Clients, createClients, tlsOptions } from "./clients.js";
import { credentialName } from "./credential-name.js";
import type { GlobalOptions } from "./global-options.js";
import { createOutput, type Output } from "./output.js";
import type { Stopper } from "./stop.js";
import { colorEnabled, createStyle, type Style } from "./style.js";

/** A readable stream the CLI takes input from: `process.stdin`, or a stand-in in tests. */
export type InputStream = NodeJS.ReadableStream & { readonly isTTY?: boolean | undefined };

/** A writable stream the CLI prints to: `process.stdout` / `process.stderr`, or a stand-in. */
export type PrintStream = NodeJS.WritableStream & {
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
};

/** The process's standard streams and environment, passed in so the CLI can run in a test. */
export interface CliIo {
  readonly stdin: InputStream;
  readonly stdout: PrintStream;
  readonly stderr: PrintStream;
  readonly env: NodeJS.ProcessEnv;
}

/** Everything a command needs, built once per run from the global options. */
export interface CliContext {
  readonly io: CliIo;
  /** Results: text or `--json`, on stdout. */
  readonly output: Output;
  /** Colours for stdout (interactive chat) and stderr (messages, progress). */
  readonly style: { readonly stdout: Style; readonly stderr: Style };
  readonly stop: Stopper;
  /** `--timeout` in milliseconds, if given. */
  readonly timeoutMs: number | undefined;
  readonly clients: Clients;
  /**
   * The user the credentials name (a JWT `--token`'s `sub`, a `--cert`'s CN): what `--name`
   * defaults to, since a server that identifies users binds sessions to exactly that user.
   */
  readonly credentialName: string | undefined;
  /**
   * Options for one call: Ctrl-C (or stdout closing) cancels it, and with `deadline: true` it
   * gets `--timeout` as its gRPC deadline; open-ended calls (a follow stream) pass `false`.
   */
  callOptions(options: { readonly deadline: boolean }): CallOptions;
  /** Writes one line for people to stderr (never stdout, which carries only results). */
  note(line: string): void;
}

/**
 * Builds the {@link CliContext} of a run. Reads the TLS files named by the options, so a missing
 * file fails here, before anything is sent. The caller closes `clients` when the run ends. With
 * `tracing`, every call gets an OpenTelemetry CLIENT span and sends its `traceparent`.
 */
export function createContext(
  options: GlobalOptions,
  io: CliIo,
  stop: Stopper,
  tracing = false,
): CliContext {
  const tls = tlsOptions({
    tls: options.tls === true,
    ca: options.ca,
    cert: options.cert,
    key: options.key,
  });
  const clients = createClients({
    fibonacciAddress: options.fibAddress,
    chatAddress: options.chatAddress,
    options: { tls, tracing, ...(options.token === undefined ? {} : { token: options.token }) },
  });
  const colorOf = (stream: PrintStream) =>
    createStyle(colorEnabled({ isTTY: stream.isTTY === true, flag: options.color, env: io.env }));
  return {
    io,
    output: createOutput(io.stdout, {
      json: options.json === true,
      onClosed: () => stop.stop("output-closed"),
    }),
    style: { stdout: colorOf(io.stdout), stderr: colorOf(io.stderr) },
    stop,
    timeoutMs: options.timeout,
    clients,
    credentialName: credentialName({
      token: options.token,
      certPem:
        typeof tls === "object" && tls.cert !== undefined ? Buffer.from(tls.cert) : undefined,
    }),
    callOptions: ({ deadline }) => ({
      signal: stop.signal,
      ...(deadline && options.timeout !== undefined ? { timeoutMs: options.timeout } : {}),
    }),
    note: (line) => {
      io.stderr.write(`${line}\n`);
    },
  };
}

import { Metadata } from "@grpc/grpc-js";
import type { CallSettings } from "./calls.js";
import { type Clients, channelCredentials, createClients } from "./clients.js";
import type { Endpoint } from "./errors.js";
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
   * Settings for one call to `endpoint`. With `deadline: true` the call gets `--timeout` as its
   * gRPC deadline; open-ended calls (a follow stream, a chat session) pass `false`.
   */
  callSettings(endpoint: Endpoint, options: { readonly deadline: boolean }): CallSettings;
  /** Writes one line for people to stderr (never stdout, which carries only results). */
  note(line: string): void;
}

/**
 * Builds the {@link CliContext} of a run. Reads the TLS files named by the options, so a missing
 * file fails here, before anything is sent. The caller closes `clients` when the run ends.
 */
export function createContext(options: GlobalOptions, io: CliIo, stop: Stopper): CliContext {
  const credentials = channelCredentials({
    tls: options.tls === true,
    ca: options.ca,
    cert: options.cert,
    key: options.key,
  });
  const clients = createClients({
    fibonacciAddress: options.fibAddress,
    chatAddress: options.chatAddress,
    credentials,
  });
  const colorOf = (stream: PrintStream) =>
    createStyle(colorEnabled({ isTTY: stream.isTTY === true, flag: options.color, env: io.env }));
  const token = options.token;
  const metadata = () => {
    const metadata = new Metadata();
    // Per-call metadata rather than call credentials: grpc-js refuses call credentials on a
    // plaintext channel, and the local servers run plaintext by default.
    if (token !== undefined) metadata.set("authorization", `Bearer ${token}`);
    return metadata;
  };
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
    callSettings: (endpoint, { deadline }) => ({
      endpoint,
      signal: stop.signal,
      metadata,
      timeoutMs: deadline ? options.timeout : undefined,
    }),
    note: (line) => {
      io.stderr.write(`${line}\n`);
    },
  };
}

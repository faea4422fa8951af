import { readFileSync } from "node:fs";
import {
  type ChatClient,
  type ClientOptions,
  createChatClient,
  createFibonacciClient,
  createHealthClient,
  type FibonacciClient,
  type HealthClient,
  type TlsOptions,
} from "@fibchat/client";
import { CliError, type Endpoint, ExitCode } from "./errors.js";

/** The transport security flags: `--tls`, `--ca`, `--cert`, `--key`. */
export interface TlsFlags {
  readonly tls: boolean;
  readonly ca: string | undefined;
  readonly cert: string | undefined;
  readonly key: string | undefined;
}

/**
 * Plaintext unless `--tls` or any certificate flag is given; TLS verifies the server against
 * `--ca` (else the system roots), and `--cert` with `--key` adds a client certificate (mTLS).
 * A missing or unreadable file, or `--cert` without `--key`, is a usage error.
 */
export function tlsOptions(flags: TlsFlags): NonNullable<ClientOptions["tls"]> {
  const { ca, cert, key } = flags;
  if (!flags.tls && ca === undefined && cert === undefined && key === undefined) return false;
  if ((cert === undefined) !== (key === undefined)) {
    throw new CliError(
      "--cert and --key go together: give both for mTLS, or neither",
      ExitCode.usage,
    );
  }
  const files: { -readonly [K in keyof TlsOptions]: Buffer } = {};
  if (ca !== undefined) files.ca = readPem(ca, "--ca");
  if (cert !== undefined) files.cert = readPem(cert, "--cert");
  if (key !== undefined) files.key = readPem(key, "--key");
  return files;
}

/** What the CLI dials: both servers' addresses, and how to reach either. */
export interface ClientSettings {
  readonly fibonacciAddress: string;
  readonly chatAddress: string;
  readonly options: ClientOptions;
}

/** The clients of one CLI run, each made on first use; `close()` closes every one of them. */
export interface Clients {
  fibonacci(): { readonly client: FibonacciClient; readonly endpoint: Endpoint };
  chat(): { readonly client: ChatClient; readonly endpoint: Endpoint };
  health(server: Endpoint["server"]): {
    readonly client: HealthClient;
    readonly endpoint: Endpoint;
  };
  close(): void;
}

/** Creates the {@link Clients} for `settings`; nothing connects until a call is made. */
export function createClients(settings: ClientSettings): Clients {
  const opened: { close(): void }[] = [];
  const connect = <C extends { close(): void }>(
    server: Endpoint["server"],
    create: (target: string, options: ClientOptions) => C,
  ) =>
    once(() => {
      const address = server === "fibonacci" ? settings.fibonacciAddress : settings.chatAddress;
      const client = create(address, settings.options);
      opened.push(client);
      return { client, endpoint: { server, address } };
    });
  const health = {
    fibonacci: connect("fibonacci", createHealthClient),
    chat: connect("chat", createHealthClient),
  };
  return {
    fibonacci: connect("fibonacci", createFibonacciClient),
    chat: connect("chat", createChatClient),
    health: (server) => health[server](),
    close() {
      for (const client of opened.splice(0)) client.close();
    },
  };
}

function once<T>(create: () => T): () => T {
  let value: { readonly made: T } | undefined;
  return () => {
    value ??= { made: create() };
    return value.made;
  };
}

function readPem(path: string, flag: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(`cannot read ${flag} ${path}: ${reason}`, ExitCode.usage, { cause: error });
  }
  if (!content.includes("-----BEGIN")) {
    throw new CliError(`${flag} ${path} is not a PEM file`, ExitCode.usage);
  }
  return content;
}

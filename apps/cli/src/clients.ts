import { readFileSync } from "node:fs";
import { ChatServiceClient } from "@fibchat/contracts/chat/v1";
import { FibonacciServiceClient } from "@fibchat/contracts/fibonacci/v1";
import { HealthClient } from "@fibchat/contracts/grpc/health/v1";
import {
  type ChannelCredentials,
  type ChannelOptions,
  type Client,
  type ClientOptions,
  credentials,
} from "@grpc/grpc-js";
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
export function channelCredentials(flags: TlsFlags): ChannelCredentials {
  const { ca, cert, key } = flags;
  if (!flags.tls && ca === undefined && cert === undefined && key === undefined) {
    return credentials.createInsecure();
  }
  if ((cert === undefined) !== (key === undefined)) {
    throw new CliError(
      "--cert and --key go together: give both for mTLS, or neither",
      ExitCode.usage,
    );
  }
  return credentials.createSsl(
    ca === undefined ? null : readPem(ca, "--ca"),
    key === undefined ? null : readPem(key, "--key"),
    cert === undefined ? null : readPem(cert, "--cert"),
  );
}

// grpc-js resolver schemes; a plain `host:port` has none and goes through DNS with pick_first.
const TARGET_SCHEME = /^(?:dns|ipv4|ipv6|unix|unix-abstract):/;

/**
 * Channel options for `address`. A gRPC target URI (`dns:///host:port`,
 * `ipv4:10.0.0.1:50051,10.0.0.2:50051`) gets round-robin load balancing, so calls spread over
 * every address it resolves to instead of sticking to the first (grpc-js defaults to pick_first).
 */
export function channelOptions(address: string): ChannelOptions {
  if (!TARGET_SCHEME.test(address)) return {};
  return {
    "grpc.service_config": JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
  };
}

/** What the CLI dials: both servers' addresses and the credentials for either. */
export interface ClientSettings {
  readonly fibonacciAddress: string;
  readonly chatAddress: string;
  readonly credentials: ChannelCredentials;
}

/** The clients of one CLI run, each made on first use; `close()` closes every one of them. */
export interface Clients {
  fibonacci(): { readonly client: FibonacciServiceClient; readonly endpoint: Endpoint };
  chat(): { readonly client: ChatServiceClient; readonly endpoint: Endpoint };
  health(server: Endpoint["server"]): {
    readonly client: HealthClient;
    readonly endpoint: Endpoint;
  };
  close(): void;
}

/** Creates the {@link Clients} for `settings`; nothing connects until a call is made. */
export function createClients(settings: ClientSettings): Clients {
  const opened: Client[] = [];
  const connect = <C extends Client>(
    server: Endpoint["server"],
    Construct: new (
      address: string,
      credentials: ChannelCredentials,
      options?: Partial<ClientOptions>,
    ) => C,
  ) =>
    once(() => {
      const address = server === "fibonacci" ? settings.fibonacciAddress : settings.chatAddress;
      const client = new Construct(address, settings.credentials, channelOptions(address));
      opened.push(client);
      return { client, endpoint: { server, address } };
    });
  const health = {
    fibonacci: connect("fibonacci", HealthClient),
    chat: connect("chat", HealthClient),
  };
  return {
    fibonacci: connect("fibonacci", FibonacciServiceClient),
    chat: connect("chat", ChatServiceClient),
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

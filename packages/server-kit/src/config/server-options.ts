import type { OptionSpec } from "./option.js";
import {
  boolean,
  bytes,
  duration,
  formatBytes,
  formatDuration,
  formatHostPort,
  type HostPort,
  integer,
  nonEmpty,
  oneOf,
  optionalHostPort,
  optionalString,
} from "./parsers.js";

/** The levels a server logs at, most severe first; `silent` logs nothing. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The options every fibchat server takes. `envPrefix` names its environment variables
 * (`FIBCHAT_FIBONACCI` → `FIBCHAT_FIBONACCI_PORT`), so two servers can share one environment.
 */
export function serverOptions(envPrefix: string, defaultPort: number) {
  const option = <T>(spec: Omit<OptionSpec<T>, "env"> & { envName: string }): OptionSpec<T> => {
    const { envName, ...rest } = spec;
    return { ...rest, env: `${envPrefix}_${envName}` };
  };
  const value = { kind: "value" } as const;
  return {
    host: option({
      ...value,
      flag: "host",
      envName: "HOST",
      valueName: "HOST",
      description: "address to listen on; 0.0.0.0 (or ::) listens on every interface",
      default: "127.0.0.1",
      parse: nonEmpty,
    }),
    port: option({
      ...value,
      flag: "port",
      envName: "PORT",
      valueName: "PORT",
      description: "TCP port to listen on; 0 picks a free port (the log's listening line shows it)",
      default: defaultPort,
      parse: integer(0, 65535),
    }),
    logLevel: option<LogLevel>({
      ...value,
      flag: "log-level",
      envName: "LOG_LEVEL",
      valueName: "LEVEL",
      description: `log threshold: ${LOG_LEVELS.join(", ")}`,
      default: "info",
      parse: oneOf(LOG_LEVELS),
    }),
    metricsAddress: option<HostPort | undefined>({
      ...value,
      flag: "metrics-address",
      envName: "METRICS_ADDRESS",
      valueName: "HOST:PORT",
      description:
        "serve Prometheus metrics at http://HOST:PORT/metrics (plain HTTP; port 0 picks a free one, the log's metrics line shows it)",
      default: undefined,
      parse: optionalHostPort,
      formatDefault: formatHostPort,
    }),
    reflection: option({
      kind: "switch",
      flag: "reflection",
      envName: "REFLECTION",
      description: "serve gRPC server reflection (turn off in production)",
      default: true,
      parse: boolean,
    }),
    shutdownGraceMs: option({
      ...value,
      flag: "shutdown-grace",
      envName: "SHUTDOWN_GRACE",
      valueName: "DURATION",
      description: "how long in-flight calls may finish on SIGINT/SIGTERM before they are cut off",
      default: 10_000,
      parse: duration,
      formatDefault: formatDuration,
    }),
    maxConcurrentStreams: option({
      ...value,
      flag: "max-concurrent-streams",
      envName: "MAX_CONCURRENT_STREAMS",
      valueName: "N",
      description: "most calls open at once on one client connection",
      default: 1000,
      parse: integer(1, 2 ** 31 - 1),
    }),
    maxReceiveMessageBytes: option({
      ...value,
      flag: "max-receive-message-size",
      envName: "MAX_RECEIVE_MESSAGE_SIZE",
      valueName: "SIZE",
      description: "largest request message accepted (larger: RESOURCE_EXHAUSTED)",
      default: 1024 * 1024,
      parse: bytes,
      formatDefault: formatBytes,
    }),
    maxSendMessageBytes: option({
      ...value,
      flag: "max-send-message-size",
      envName: "MAX_SEND_MESSAGE_SIZE",
      valueName: "SIZE",
      description: "largest response message sent",
      default: 4 * 1024 * 1024,
      parse: bytes,
      formatDefault: formatBytes,
    }),
    keepaliveTimeMs: option({
      ...value,
      flag: "keepalive-time",
      envName: "KEEPALIVE_TIME",
      valueName: "DURATION",
      description: "ping an idle connection this often to detect dead peers",
      default: 60_000,
      parse: duration,
      formatDefault: formatDuration,
    }),
    keepaliveTimeoutMs: option({
      ...value,
      flag: "keepalive-timeout",
      envName: "KEEPALIVE_TIMEOUT",
      valueName: "DURATION",
      description: "close a connection whose ping is not answered within this time",
      default: 20_000,
      parse: duration,
      formatDefault: formatDuration,
    }),
    maxConnectionIdleMs: option({
      ...value,
      flag: "max-connection-idle",
      envName: "MAX_CONNECTION_IDLE",
      valueName: "DURATION",
      description: "close a connection with no open call for this long",
      default: 300_000,
      parse: duration,
      formatDefault: formatDuration,
    }),
    maxConnectionAgeMs: option({
      ...value,
      flag: "max-connection-age",
      envName: "MAX_CONNECTION_AGE",
      valueName: "DURATION",
      description:
        "ask clients to reconnect after this long (spreads load over instances); 0: never",
      default: 0,
      parse: duration,
      formatDefault: (ms: number) => (ms === 0 ? "0 (never)" : formatDuration(ms)),
    }),
    maxConnectionAgeGraceMs: option({
      ...value,
      flag: "max-connection-age-grace",
      envName: "MAX_CONNECTION_AGE_GRACE",
      valueName: "DURATION",
      description: "time open calls get to finish after max-connection-age",
      default: 30_000,
      parse: duration,
      formatDefault: formatDuration,
    }),
    tlsCert: option({
      ...value,
      flag: "tls-cert",
      envName: "TLS_CERT",
      valueName: "FILE",
      description: "PEM certificate chain; with --tls-key, serve TLS instead of plaintext",
      default: "",
      parse: optionalString,
    }),
    tlsKey: option({
      ...value,
      flag: "tls-key",
      envName: "TLS_KEY",
      valueName: "FILE",
      description: "PEM private key of --tls-cert",
      default: "",
      parse: optionalString,
    }),
    tlsClientCa: option({
      ...value,
      flag: "tls-client-ca",
      envName: "TLS_CLIENT_CA",
      valueName: "FILE",
      description: "PEM CA bundle; when set, clients must present a certificate it signed (mTLS)",
      default: "",
      parse: optionalString,
    }),
    authToken: option({
      ...value,
      flag: "auth-token",
      envName: "AUTH_TOKEN",
      valueName: "TOKEN",
      description: "require `authorization: Bearer TOKEN` on every call except health checks",
      default: "",
      parse: optionalString,
      formatDefault: () => "",
    }),
    authTokenFile: option({
      ...value,
      flag: "auth-token-file",
      envName: "AUTH_TOKEN_FILE",
      valueName: "FILE",
      description: "read the bearer token from this file instead (keeps it out of ps and env)",
      default: "",
      parse: optionalString,
    }),
    authJwtSecretFile: option({
      ...value,
      flag: "auth-jwt-secret-file",
      envName: "AUTH_JWT_SECRET_FILE",
      valueName: "FILE",
      description:
        "identify users by HS256 JWTs signed with the secret in FILE (≥ 32 bytes): user = sub, scopes = scope",
      default: "",
      parse: optionalString,
    }),
    authJwtPublicKey: option({
      ...value,
      flag: "auth-jwt-public-key",
      envName: "AUTH_JWT_PUBLIC_KEY",
      valueName: "FILE",
      description:
        "identify users by JWTs verified with FILE: a PEM public key (RS256, ES256, ES384, EdDSA) or a JWKS",
      default: "",
      parse: optionalString,
    }),
    authJwtIssuer: option({
      ...value,
      flag: "auth-jwt-issuer",
      envName: "AUTH_JWT_ISSUER",
      valueName: "ISS",
      description: "refuse JWTs whose iss claim is not ISS",
      default: "",
      parse: optionalString,
    }),
    authJwtAudience: option({
      ...value,
      flag: "auth-jwt-audience",
      envName: "AUTH_JWT_AUDIENCE",
      valueName: "AUD",
      description: "refuse JWTs whose aud claim does not include AUD",
      default: "",
      parse: optionalString,
    }),
    authFromClientCert: option({
      kind: "switch",
      flag: "auth-from-client-cert",
      envName: "AUTH_FROM_CLIENT_CERT",
      description:
        "with --tls-client-ca: the user is the client certificate's subject CN (else its first email/DNS SAN)",
      default: false,
      parse: boolean,
    }),
    authDefaultScopes: option({
      ...value,
      flag: "auth-default-scopes",
      envName: "AUTH_DEFAULT_SCOPES",
      valueName: "SCOPES",
      description:
        "scopes of a user whose credential names none (a JWT without scope, a certificate): all, none, or a list",
      default: "all",
      parse: nonEmpty,
    }),
  };
}

/** The options every server takes, as a table (see {@link serverOptions}). */
export type ServerOptionTable = ReturnType<typeof serverOptions>;

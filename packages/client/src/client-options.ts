import {
  type ChannelCredentials,
  type ChannelOptions,
  credentials,
  type ClientOptions as GrpcClientOptions,
} from "@grpc/grpc-js";
import { tracingInterceptor } from "./call/tracing-interceptor.js";
import { type RetryOptions, retryMethodConfig } from "./retry-policy.js";

/** TLS for a client: the CA to verify the server with, and a certificate for mTLS. */
export interface TlsOptions {
  /** PEM of the CA that signed the server's certificate; the system roots when absent. */
  readonly ca?: string | Buffer;
  /** PEM certificate chain of this client (mTLS); give `key` with it. */
  readonly cert?: string | Buffer;
  /** PEM private key of `cert`. */
  readonly key?: string | Buffer;
}

/** How a client reaches its server. Every field is optional. */
export interface ClientOptions {
  /** `true` (system roots) or the files for TLS; plaintext when absent or `false`. */
  readonly tls?: boolean | TlsOptions;
  /** Sent as `authorization: Bearer TOKEN` with every call. */
  readonly token?: string;
  /**
   * The deadline of every call that has an end, unless the call gives its own `timeoutMs`.
   * Streams that follow live data (`follow`, chat sessions) get none by default.
   */
  readonly timeoutMs?: number;
  /**
   * Retries of the rpcs the protos mark free of side effects (every read; never a post), on
   * `UNAVAILABLE`, by grpc-js through the channel's service config. On by default; `false`
   * turns them off.
   */
  readonly retries?: false | RetryOptions;
  /** HTTP/2 keepalive pings this often on an idle connection, to notice a dead peer. */
  readonly keepaliveMs?: number;
  /** Further grpc-js channel options, applied last. */
  readonly channelOptions?: ChannelOptions;
  /**
   * Make an OpenTelemetry CLIENT span per call and send its W3C trace context (`traceparent`)
   * to the server, through `@opentelemetry/api`: the application registers the SDK that records
   * and exports them. Off by default, so a client that does not trace pays nothing per call.
   */
  readonly tracing?: boolean;
}

/** The channel credentials of `options.tls`. */
export function channelCredentials(tls: ClientOptions["tls"]): ChannelCredentials {
  if (tls === undefined || tls === false) return credentials.createInsecure();
  if (tls === true) return credentials.createSsl();
  const { ca, cert, key } = tls;
  if ((cert === undefined) !== (key === undefined)) {
    throw new TypeError("tls.cert and tls.key go together: give both for mTLS, or neither");
  }
  return credentials.createSsl(pem(ca), pem(key), pem(cert));
}

// grpc-js resolver schemes; a plain `host:port` has none and goes through DNS with pick_first.
const TARGET_SCHEME = /^(?:dns|ipv4|ipv6|unix|unix-abstract):/;

/**
 * The channel options for `target`. A gRPC target URI (`dns:///host:port`,
 * `ipv4:10.0.0.1:50051,10.0.0.2:50051`) gets round-robin load balancing, so calls spread over
 * every address it resolves to instead of sticking to the first (grpc-js defaults to pick_first);
 * the retry policy of `options.retries` goes into the same service config. With `tracing`, every
 * call goes through the tracing interceptor.
 */
export function channelOptions(target: string, options: ClientOptions): GrpcClientOptions {
  const serviceConfig = {
    ...(TARGET_SCHEME.test(target) ? { loadBalancingConfig: [{ round_robin: {} }] } : {}),
    ...(options.retries === false ? {} : { methodConfig: retryMethodConfig(options.retries) }),
  };
  return {
    ...(Object.keys(serviceConfig).length === 0
      ? {}
      : { "grpc.service_config": JSON.stringify(serviceConfig) }),
    ...(options.keepaliveMs === undefined
      ? {}
      : {
          "grpc.keepalive_time_ms": options.keepaliveMs,
          "grpc.keepalive_permit_without_calls": 1,
        }),
    ...(options.tracing === true ? { interceptors: [tracingInterceptor()] } : {}),
    ...options.channelOptions,
  };
}

function pem(value: string | Buffer | undefined): Buffer | null {
  if (value === undefined) return null;
  return typeof value === "string" ? Buffer.from(value) : value;
}

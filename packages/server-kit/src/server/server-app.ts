import { setMaxListeners } from "node:events";
import { tracingStarted } from "@fibchat/tracing-sdk";
import {
  type Server as GrpcServer,
  Server,
  type ServerInterceptor,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { AdapterRuntime } from "../adapter/call-scope.js";
import { authInterceptor } from "../auth/auth-interceptor.js";
import type { Scope } from "../auth/principal.js";
import { ConfigError } from "../config/option.js";
import type { HostPort } from "../config/parsers.js";
import { refuseInvalidRequests } from "../decoding/refuse-invalid-requests.js";
import { strictService } from "../decoding/strict-service.js";
import type { MetricsEndpoint } from "../telemetry/metrics-endpoint.js";
import { HealthStatuses } from "./health-service.js";
import { accessLogInterceptor } from "./interceptors.js";
import { addReflection } from "./reflection.js";
import { loadSecurity, type SecurityConfig } from "./security.js";

/** The settings {@link createServerApp} reads (every server's common options provide them). */
export interface ServerAppConfig extends SecurityConfig {
  readonly host: string;
  readonly port: number;
  readonly reflection: boolean;
  /** Where to serve Prometheus metrics (`--metrics-address`); no metrics at all when undefined. */
  readonly metricsAddress: HostPort | undefined;
  readonly shutdownGraceMs: number;
  readonly maxConcurrentStreams: number;
  readonly maxReceiveMessageBytes: number;
  readonly maxSendMessageBytes: number;
  readonly keepaliveTimeMs: number;
  readonly keepaliveTimeoutMs: number;
  readonly maxConnectionIdleMs: number;
  readonly maxConnectionAgeMs: number;
  readonly maxConnectionAgeGraceMs: number;
}

/** Where a started server listens. */
export interface BoundAddress {
  readonly host: string;
  readonly port: number;
  /** `host:port`, bracketing an IPv6 host, as a client dials it. */
  readonly address: string;
}

/**
 * A grpc-js server with fibchat's plumbing: health, reflection, logs, auth, limits, shutdown, and
 * strict decoding (a request with invalid UTF-8 in a string field fails with `INVALID_ARGUMENT`).
 */
export interface ServerApp {
  readonly log: Logger;
  /**
   * Where the server's own metrics go, beside the gRPC and process ones, when `--metrics-address`
   * is set; `undefined` when metrics are off (then nothing is counted).
   */
  readonly metrics: Registry | undefined;
  /** Give this to the adapter (`unary`, `serverStreaming`, `bidiStreaming`). */
  readonly runtime: AdapterRuntime;
  /**
   * Registers a service; its health status is reported under its full name. Its requests are
   * checked before decoding: invalid UTF-8 in a string field, or a malformed message, fails the
   * call with `INVALID_ARGUMENT` naming the field. Throws when a request type is not in the
   * contracts' descriptor set. `scopes`
   * names the scope each method needs when the server identifies users (a call without it is
   * refused with `PERMISSION_DENIED` before the handler runs); methods left out need none.
   */
  addService<Impl extends UntypedServiceImplementation>(
    definition: ServiceDefinition<Impl>,
    implementation: Impl,
    scopes?: { readonly [Method in keyof Impl]?: Scope },
  ): void;
  /**
   * Binds and starts serving; health turns `SERVING` (unless `setServing(false)` holds) and the
   * `listening` line is logged. With `--metrics-address`, the metrics endpoint starts first and
   * its URL is logged on a line of its own (`metrics`).
   */
  listen(): Promise<BoundAddress>;
  /**
   * Reports every service `SERVING` or `NOT_SERVING` (e.g. while a backing store is down). Health
   * is `NOT_SERVING` before `listen` and after `shutdown` whatever this says; a `false` given
   * before `listen` still holds after it.
   */
  setServing(serving: boolean): void;
  /**
   * Graceful shutdown: health `NOT_SERVING`, no new calls, open streams end with `UNAVAILABLE`,
   * in-flight unary calls finish; after the grace period the rest are cut off. Then runs the
   * `onShutdown` hook (close stores). Idempotent.
   */
  shutdown(): Promise<void>;
}

/** Options of {@link createServerApp}. */
export interface ServerAppOptions {
  readonly config: ServerAppConfig;
  readonly log: Logger;
  /** Runs after the gRPC server has stopped, e.g. to flush and close a store. */
  readonly onShutdown?: () => Promise<void>;
  /**
   * Open an OpenTelemetry SERVER span per call; by default when this process started the trace
   * SDK (`startTracingFromEnv`).
   */
  readonly tracing?: boolean;
}

/**
 * Creates (but does not bind) a server. Rejects with `ConfigError` for bad TLS or auth settings.
 * What only some servers use (the JWT library, prom-client, OpenTelemetry) is loaded only when
 * the settings ask for it, so that a server without them starts sooner.
 */
export async function createServerApp({
  config,
  log,
  onShutdown,
  tracing = tracingStarted(),
}: ServerAppOptions): Promise<ServerApp> {
  const security = await loadSecurity(config);
  const metrics =
    config.metricsAddress === undefined
      ? undefined
      : (await import("../telemetry/server-metrics.js")).createServerMetrics();
  const callTracing = tracing
    ? (await import("../telemetry/tracing-interceptor.js")).serverTracing()
    : undefined;
  const interceptors: ServerInterceptor[] = [];
  // grpc-js applies interceptors so that later ones wrap earlier ones: an earlier one sees each
  // incoming event first and each outgoing one last. Metrics first, so that every refusal of the
  // ones after it is counted; then tracing, so that the span exists when the access log writes
  // its line (and ends after it).
  if (metrics !== undefined) interceptors.push(metrics.interceptor);
  if (callTracing !== undefined) interceptors.push(callTracing.interceptor);
  // Below info level there is no access log to write, so no interceptor to pay for on every call.
  if (log.isLevelEnabled("info")) interceptors.push(accessLogInterceptor(log));
  const requiredScopes = new Map<string, Scope>();
  // Auth comes after the access log so that its refusals pass through, and are logged by, it.
  if (security.authenticator !== undefined)
    interceptors.push(
      authInterceptor({ authenticator: security.authenticator, requiredScopes, log }),
    );
  // Last, so that an unauthenticated caller learns nothing about its payload, and its refusals
  // pass through the access log.
  interceptors.push(refuseInvalidRequests());
  const server = new Server({
    interceptors,
    "grpc.max_concurrent_streams": config.maxConcurrentStreams,
    "grpc.max_receive_message_length": config.maxReceiveMessageBytes,
    "grpc.max_send_message_length": config.maxSendMessageBytes,
    "grpc.keepalive_time_ms": config.keepaliveTimeMs,
    "grpc.keepalive_timeout_ms": config.keepaliveTimeoutMs,
    "grpc.max_connection_idle_ms": config.maxConnectionIdleMs,
    ...(config.maxConnectionAgeMs > 0 && {
      "grpc.max_connection_age_ms": config.maxConnectionAgeMs,
      "grpc.max_connection_age_grace_ms": config.maxConnectionAgeGraceMs,
    }),
  });
  const shutdownController = new AbortController();
  // Every open stream listens for shutdown: more than ten is normal, not a leak.
  setMaxListeners(0, shutdownController.signal);
  // The one place every service is added, ours and the health and reflection services alike
  // (issue 12: strict decoding for every message of every service).
  const services = {
    addService(definition: ServiceDefinition, implementation: UntypedServiceImplementation) {
      metrics?.addService(definition);
      server.addService(strictService(definition), implementation);
    },
  };
  const health = new HealthStatuses();
  health.set("", "NOT_SERVING");
  const serviceNames: string[] = [];
  let listening = false;
  let serving = true;
  let stopping: Promise<void> | undefined;
  let metricsEndpoint: MetricsEndpoint | undefined;

  const reportHealth = () => {
    const state =
      listening && serving && !shutdownController.signal.aborted ? "SERVING" : "NOT_SERVING";
    for (const name of ["", ...serviceNames]) health.set(name, state);
  };

  return {
    log,
    metrics: metrics?.registry,
    runtime: {
      log,
      shutdownSignal: shutdownController.signal,
      authenticates: security.authenticator !== undefined,
      tracing: callTracing?.tracing,
    },
    addService(definition, implementation, scopes) {
      services.addService(definition, implementation);
      for (const [name, method] of Object.entries(definition)) {
        const scope = scopes?.[name];
        if (scope !== undefined) requiredScopes.set(method.path, scope);
      }
      serviceNames.push(serviceName(definition));
      reportHealth();
    },
    async listen() {
      services.addService(health.definition, health.implementation());
      if (config.reflection) {
        addReflection(services, [...serviceNames, "grpc.health.v1.Health"], (error) =>
          log.error({ err: error }, "reflection failed"),
        );
      }
      // The listening and metrics lines are the server's interface to scripts and tests (they
      // name the ports of `--port 0`), so they are written at any level but silent.
      const announce =
        log.isLevelEnabled("info") || log.level === "silent"
          ? log
          : log.child({}, { level: "info" });
      if (metrics !== undefined && config.metricsAddress !== undefined) {
        // Imported here: a server without a metrics address does not load node:http.
        const { startMetricsEndpoint } = await import("../telemetry/metrics-endpoint.js");
        metricsEndpoint = await startMetricsEndpoint(config.metricsAddress, metrics.source);
        announce.info({ metrics: metricsEndpoint.url }, `metrics on ${metricsEndpoint.url}`);
      }
      const target = `${bracketed(config.host)}:${config.port}`;
      let port: number;
      try {
        port = await bind(server, target, security.credentials);
      } catch (error) {
        await metricsEndpoint?.close();
        throw error;
      }
      const bound = { host: config.host, port, address: `${bracketed(config.host)}:${port}` };
      listening = true;
      reportHealth();
      announce.info(
        {
          address: bound.address,
          services: serviceNames,
          tls: security.tls,
          auth: security.authenticator?.mode ?? "none",
          reflection: config.reflection,
        },
        `listening on ${bound.address}`,
      );
      return bound;
    },
    setServing(value) {
      serving = value;
      reportHealth();
    },
    shutdown() {
      stopping ??= stop();
      return stopping;
    },
  };

  async function stop(): Promise<void> {
    log.info({ graceMs: config.shutdownGraceMs }, "shutting down");
    shutdownController.abort();
    reportHealth();
    await drain(server, config.shutdownGraceMs, log);
    await metricsEndpoint?.close();
    await onShutdown?.();
    log.info("stopped");
  }
}

/**
 * `tryShutdown` alone waits forever while a stream is open (grpc-node #1458): streams were told to
 * end by the shutdown signal, and whatever is still open after the grace period is cut off.
 */
function drain(server: GrpcServer, graceMs: number, log: Logger): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      log.warn({ graceMs }, "grace period over; cutting off the calls still open");
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function bind(
  server: GrpcServer,
  target: string,
  credentials: Parameters<GrpcServer["bindAsync"]>[1],
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(target, credentials, (error, port) => {
      if (error)
        reject(
          new ConfigError(
            `cannot listen on ${target}: ${error.message}; free the port or pass another --port`,
          ),
        );
      else resolve(port);
    });
  });
}

function bracketed(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** `fibonacci.v1.FibonacciService` from a definition whose methods are `/fibonacci.v1.FibonacciService/…`. */
function serviceName(definition: ServiceDefinition): string {
  const [first] = Object.values(definition);
  const name = first?.path.split("/")[1];
  if (!name) throw new Error("a service definition without methods cannot be served");
  return name;
}

import { createServer } from "node:http";
import { ConfigError } from "../config/option.js";
import type { HostPort } from "../config/parsers.js";

/** A running `/metrics` HTTP server. */
export interface MetricsEndpoint {
  /** `http://HOST:PORT/metrics`, with the port actually bound. */
  readonly url: string;
  /** Stops listening and closes every open connection. */
  close(): Promise<void>;
}

/** What the endpoint serves: the exposition text and its content type. */
export interface MetricsSource {
  readonly contentType: string;
  text(): Promise<string>;
}

/**
 * Serves `source` in the Prometheus text format at `GET /metrics` on plain HTTP at `address`
 * (port 0 picks a free one); any other path is 404. Rejects with a `ConfigError` when the
 * address cannot be bound.
 */
export async function startMetricsEndpoint(
  address: HostPort,
  source: MetricsSource,
): Promise<MetricsEndpoint> {
  const server = createServer((request, response) => {
    const path = request.url?.split("?")[0];
    if (path !== "/metrics" || (request.method !== "GET" && request.method !== "HEAD")) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found: try /metrics\n");
      return;
    }
    source.text().then(
      (text) => {
        response.writeHead(200, { "content-type": source.contentType }).end(text);
      },
      (error: unknown) => {
        response.writeHead(500, { "content-type": "text/plain" }).end(`${String(error)}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) =>
      reject(
        new ConfigError(
          `cannot serve metrics on ${address.host}:${address.port}: ${error.message}; free the port or pass another --metrics-address`,
        ),
      ),
    );
    server.listen(address.port, address.host, () => resolve());
  });
  const bound = server.address();
  const port = typeof bound === "object" && bound !== null ? bound.port : address.port;
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

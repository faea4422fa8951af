import {
  type Readiness,
  type RunningServer,
  type ServerSpec,
  startServer,
} from "../process/server-process.js";

/** Starts a server that {@link withServers} will stop. */
export type StartServer = (spec: ServerSpec, readiness?: Readiness) => Promise<RunningServer>;

/**
 * Runs `body` with a way to start servers, and stops every server it started when `body` is
 * done, also when it throws.
 */
export async function withServers<T>(body: (start: StartServer) => Promise<T>): Promise<T> {
  const started: RunningServer[] = [];
  try {
    return await body(async (spec, readiness) => {
      const server = await startServer(spec, readiness);
      started.push(server);
      return server;
    });
  } finally {
    await Promise.all(started.map((server) => server.stop()));
  }
}

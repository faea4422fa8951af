import { credentials } from "@grpc/grpc-js";
import { serverOptions } from "../config/server-options.js";
import { createServerApp, type ServerApp, type ServerAppConfig } from "../server/server-app.js";
import { defaultsOf } from "../testing/defaults-of.js";
import { createLogCapture, type LogCapture } from "../testing/log-capture.js";

/** A started test server and what a test needs to talk to it. */
export interface TestApp {
  readonly app: ServerApp;
  readonly logs: LogCapture;
  readonly address: string;
}

/** Starts a server on 127.0.0.1:0 with the services `register` adds. */
export async function startApp(
  register: (app: ServerApp) => void,
  overrides: Partial<ServerAppConfig> = {},
): Promise<TestApp> {
  const logs = createLogCapture();
  const config = {
    ...defaultsOf(serverOptions("TEST", 0), { port: 0, shutdownGraceMs: 2_000 }),
    ...overrides,
  };
  const app = await createServerApp({ config, log: logs.logger });
  register(app);
  const { address } = await app.listen();
  return { app, logs, address };
}

/** Insecure channel credentials for tests on loopback. */
export const insecure = credentials.createInsecure();

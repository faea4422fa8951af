import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type SpawnedServer, spawnServer } from "@fibchat/server-kit/testing";

const MAIN = fileURLToPath(
  new URL("../../../../apps/fibonacci-server/dist/main.js", import.meta.url),
);

/** Starts the built Fibonacci server as a child process (on `port`, or a free one). */
export function startFibonacciProcess(port = 0): Promise<SpawnedServer> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`pnpm build\` first`);
  return spawnServer(MAIN, ["--port", String(port)]);
}

/** Stops a server started by {@link startFibonacciProcess} at once (`kill -9`). */
export async function killProcess(server: SpawnedServer): Promise<void> {
  server.child.kill("SIGKILL");
  await server.exited;
}

/** F(n) exactly, for checking answers. */
export function fibonacci(n: number): bigint {
  let [a, b] = [0n, 1n];
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}

import { type SpawnedServer, spawnServer } from "@fibchat/server-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./test-support/cli-process.js";
import { entryPoint } from "./test-support/paths.js";
import { waitFor } from "./test-support/poll.js";
import {
  prometheusBinary,
  startPrometheus,
  type TestPrometheus,
} from "./test-support/prometheus.js";

const binary = prometheusBinary();
// scripts/prepare-tests.sh installs Debian's prometheus; CI must not pass without it.
if (binary === undefined) {
  if (process.env.CI === "true") {
    throw new Error("prometheus is not installed, and CI=true: run scripts/prepare-tests.sh");
  }
  console.warn(
    "\n*** SKIPPING the real-Prometheus test: no prometheus binary (apt-get install prometheus, or run scripts/prepare-tests.sh) ***\n",
  );
}

describe.skipIf(binary === undefined)(
  "a real Prometheus scraping both servers",
  // Prometheus starts, then scrapes every second: longer than a unit test, still bounded.
  { timeout: 120_000 },
  () => {
    let servers: SpawnedServer[] = [];
    let prometheus: TestPrometheus | undefined;
    const metricsUrl = (server: SpawnedServer) =>
      String(server.lines.find((line) => typeof line.metrics === "string")?.metrics);

    beforeAll(async () => {
      const args = ["--metrics-address", "127.0.0.1:0", "--log-level", "warn"];
      servers = await Promise.all([
        spawnServer(entryPoint("fibonacci"), args),
        spawnServer(entryPoint("chat"), [...args, "--store", "memory"]),
      ]);
      prometheus = await startPrometheus(binary ?? "prometheus", servers.map(metricsUrl));
    });
    afterAll(async () => {
      await prometheus?.stop();
      for (const server of servers) server.child.kill("SIGTERM");
      await Promise.all(servers.map((server) => server.exited));
    });

    it("sees both targets up and sums grpc_server_handled_total for GetSequence", async () => {
      const [fibonacci] = servers;
      for (const count of ["1", "5", "10"]) {
        const result = await runCli([
          "--fib-address",
          fibonacci?.address ?? "",
          "fib",
          "get",
          count,
        ]);
        expect(result.code).toBe(0);
      }
      await prometheus?.waitForTargetsUp();
      const query = 'sum(grpc_server_handled_total{grpc_method="GetSequence"})';
      // Each scrape after the calls sees all three.
      const total = await waitFor(
        async () => ((await prometheus?.query(query)) === 3 ? 3 : undefined),
        { what: `${query} to be 3`, tries: 300, intervalMs: 100 },
      );
      expect(total).toBe(3);
      expect(await prometheus?.query('sum(up{job="fibchat"})')).toBe(2);
    });
  },
);

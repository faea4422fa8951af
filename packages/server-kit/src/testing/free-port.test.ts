import { once } from "node:events";
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ephemeralPortsStart, freeClusterPort, freePort } from "./free-port.js";

const listening: Server[] = [];

afterEach(async () => {
  await Promise.all(listening.splice(0).map((server) => once(server.close(), "close")));
});

/** Listens on `port` on 127.0.0.1 until the test ends; rejects if it is taken. */
async function hold(port: number): Promise<void> {
  const server = createServer().listen(port, "127.0.0.1");
  listening.push(server);
  await once(server, "listening");
}

describe("freePort", () => {
  it("hands out free ports below the ephemeral range, where listen(0) never lands", async () => {
    for (let draw = 0; draw < 20; draw++) {
      const port = await freePort();
      expect(port).toBeLessThan(ephemeralPortsStart());
      await hold(port);
    }
  });
});

describe("freeClusterPort", () => {
  it("hands out ports whose bus port is below the ephemeral range too, both free", async () => {
    for (let draw = 0; draw < 20; draw++) {
      const port = await freeClusterPort();
      expect(port + 10_000).toBeLessThan(ephemeralPortsStart());
      await hold(port);
      await hold(port + 10_000);
    }
  });

  it("passes over a port above 55535 and a port whose bus port is taken", async () => {
    // A free port whose bus port (10,000 above) this test holds.
    const busTaken = await freeClusterPort();
    await hold(busTaken + 10_000);
    const good = await freeClusterPort();
    const offered = [60_000, busTaken, good];

    expect(await freeClusterPort(async () => offered.shift() ?? 0)).toBe(good);
    expect(offered).toEqual([]);
    // Both ports redis-server will bind are free.
    await hold(good);
    await hold(good + 10_000);
  });
});

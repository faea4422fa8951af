import { once } from "node:events";
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freeClusterPort, freePort } from "./free-port.js";

const listening: Server[] = [];

afterEach(async () => {
  await Promise.all(listening.splice(0).map((server) => once(server.close(), "close")));
});

/** Listens on `port` (0: any) on 127.0.0.1 until the test ends; the port it holds. */
async function hold(port: number): Promise<number> {
  const server = createServer().listen(port, "127.0.0.1");
  listening.push(server);
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("not a TCP server");
  return address.port;
}

describe("freeClusterPort", () => {
  it("passes over a port above 55535 and a port whose bus port is taken", async () => {
    // A free port whose bus port (10,000 above) another process holds.
    let busTaken = await freePort();
    while (busTaken > 55_535) busTaken = await freePort();
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

import { once } from "node:events";
import { createServer } from "node:net";

const HOST = "127.0.0.1";
/** Redis Cluster's bus listens this many ports above the client port (`cluster-port` unset). */
const CLUSTER_BUS_OFFSET = 10_000;
const HIGHEST_PORT = 65_535;
const CLUSTER_PORT_ATTEMPTS = 100;

/**
 * A TCP port on 127.0.0.1 that the OS just handed out and that was closed again: free for a
 * process that cannot bind port 0 itself (redis-server), and refusing connections until then.
 */
export async function freePort(): Promise<number> {
  const port = await bindAndRelease(0);
  if (port === undefined) throw new Error("no TCP port was bound");
  return port;
}

/**
 * A port for a cluster-enabled `redis-server`: free, and so is its bus port 10,000 above it,
 * which must itself be a port (Redis refuses to start on a port above 55535). The OS's
 * ephemeral range reaches 60999, and a bus port 10,000 above a free port may be some other
 * process's. `candidates` hands out free ports to choose from ({@link freePort} unless a test
 * needs to choose them).
 */
export async function freeClusterPort(
  candidates: () => Promise<number> = freePort,
): Promise<number> {
  for (let attempt = 0; attempt < CLUSTER_PORT_ATTEMPTS; attempt++) {
    const port = await candidates();
    if (port + CLUSTER_BUS_OFFSET > HIGHEST_PORT) continue;
    if ((await bindAndRelease(port + CLUSTER_BUS_OFFSET)) !== undefined) return port;
  }
  throw new Error(
    `no free port at or below ${HIGHEST_PORT - CLUSTER_BUS_OFFSET} with a free bus port ${CLUSTER_BUS_OFFSET} above it ` +
      `in ${CLUSTER_PORT_ATTEMPTS} tries: check net.ipv4.ip_local_port_range and what holds those ports`,
  );
}

/** Binds `port` on 127.0.0.1 (0: any) and closes it again; the bound port, or undefined if taken. */
async function bindAndRelease(port: number): Promise<number | undefined> {
  const server = createServer();
  server.listen(port, HOST);
  try {
    await once(server, "listening");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "EADDRINUSE") return undefined;
    throw error;
  }
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") return undefined;
  return address.port;
}

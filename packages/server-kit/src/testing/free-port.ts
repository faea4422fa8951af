import { randomInt } from "node:crypto";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

const HOST = "127.0.0.1";
/** The lowest port handed out: above the well-known ports and the usual services' defaults. */
const LOWEST_PORT = 10_000;
/** Redis Cluster's bus listens this many ports above the client port (`cluster-port` unset). */
const CLUSTER_BUS_OFFSET = 10_000;
const HIGHEST_PORT = 65_535;
const ATTEMPTS = 100;

/**
 * A TCP port on 127.0.0.1 that is free, for a process that cannot bind port 0 itself
 * (redis-server, Prometheus) or a test that restarts a server on the same port.
 *
 * It is drawn at random below the OS's ephemeral range, where no other process's `listen(0)`
 * or outgoing connection is given a port. A port from `listen(0)` could be handed to one of the
 * many servers other tests start in parallel between this call and the child's bind; one from
 * below the range can only collide with another caller drawing the same port.
 */
export function freePort(): Promise<number> {
  return freePortBelow(ephemeralPortsStart());
}

/**
 * A port for a cluster-enabled `redis-server`: free, and so is its bus port 10,000 above it,
 * which must itself be a port and lie below the ephemeral range too. `candidates` hands out
 * free ports to choose from (drawn so that the bus port fits, unless a test chooses them).
 */
export async function freeClusterPort(
  candidates: () => Promise<number> = () =>
    freePortBelow(ephemeralPortsStart() - CLUSTER_BUS_OFFSET),
): Promise<number> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = await candidates();
    if (port + CLUSTER_BUS_OFFSET > HIGHEST_PORT) continue;
    if ((await bindAndRelease(port + CLUSTER_BUS_OFFSET)) !== undefined) return port;
  }
  throw new Error(
    `no free port at or below ${HIGHEST_PORT - CLUSTER_BUS_OFFSET} with a free bus port ${CLUSTER_BUS_OFFSET} above it ` +
      `in ${ATTEMPTS} tries: check net.ipv4.ip_local_port_range and what holds those ports`,
  );
}

/** A free port drawn at random from LOWEST_PORT up to `end` (excluded), or from `listen(0)` if that is empty. */
async function freePortBelow(end: number): Promise<number> {
  if (end <= LOWEST_PORT) {
    const port = await bindAndRelease(0);
    if (port === undefined) throw new Error("no TCP port was bound");
    return port;
  }
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = await bindAndRelease(randomInt(LOWEST_PORT, end));
    if (port !== undefined) return port;
  }
  throw new Error(`no free port between ${LOWEST_PORT} and ${end} in ${ATTEMPTS} tries`);
}

/**
 * The first port of the range the OS hands out for `listen(0)` and outgoing connections:
 * Linux's `net.ipv4.ip_local_port_range`, or the IANA dynamic range (macOS, Windows) elsewhere.
 */
export function ephemeralPortsStart(): number {
  try {
    const start = Number(
      readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").split(/\s+/)[0],
    );
    if (Number.isInteger(start) && start > 0) return start;
  } catch {
    // Not Linux: fall through to the IANA range.
  }
  return 49_152;
}

/** Binds `port` on 127.0.0.1 (0: any) and closes it again; the bound port, or undefined if taken. */
async function bindAndRelease(port: number): Promise<number | undefined> {
  const server = createServer();
  server.listen(port, HOST);
  try {
    await once(server, "listening");
  } catch (error) {
    if (
      error instanceof Error &&
      "code" in error &&
      (error.code === "EADDRINUSE" || error.code === "EACCES")
    ) {
      return undefined;
    }
    throw error;
  }
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") return undefined;
  return address.port;
}

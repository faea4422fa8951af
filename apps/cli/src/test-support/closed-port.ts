import { once } from "node:events";
import { createServer } from "node:net";

/**
 * An address on 127.0.0.1 where nothing listens: a port the OS just handed out and that was
 * closed again, so connecting is refused.
 */
export async function closedAddress(): Promise<string> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return `127.0.0.1:${address.port}`;
}

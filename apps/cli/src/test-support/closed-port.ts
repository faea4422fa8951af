import { freePort } from "@fibchat/server-kit/testing";

/** An address on 127.0.0.1 where nothing listens, so connecting is refused. */
export async function closedAddress(): Promise<string> {
  return `127.0.0.1:${await freePort()}`;
}

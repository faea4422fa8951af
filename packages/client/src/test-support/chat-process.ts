import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ChatServiceClient, type SendAndReceiveMessageResponse } from "@fibchat/contracts/chat/v1";
import { type SpawnedServer, spawnServer } from "@fibchat/server-kit/testing";
import { credentials } from "@grpc/grpc-js";

const MAIN = fileURLToPath(new URL("../../../../apps/chat-server/dist/main.js", import.meta.url));

/** Starts the built chat server as a child process on `port` (0: any) with `args`. */
export function startChatProcess(port: number, args: readonly string[]): Promise<SpawnedServer> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`pnpm build\` first`);
  return spawnServer(MAIN, [...args, "--port", String(port)]);
}

/**
 * Posts `texts` to `room` as `author` through a raw generated client, one session, with at most
 * `window` posts unacknowledged, and resolves once every post is acknowledged.
 */
export async function postAll(
  target: string,
  room: string,
  author: string,
  texts: readonly string[],
  window = 32,
): Promise<void> {
  const client = new ChatServiceClient(target, credentials.createInsecure());
  try {
    const call = client.sendAndReceiveMessage();
    let sent = 0;
    const post = () => {
      const text = texts[sent++];
      if (text !== undefined) {
        call.write({ action: { $case: "post", value: { text, clientMessageId: "" } } });
      }
    };
    const acked = new Promise<void>((resolve, reject) => {
      let acks = 0;
      call.on("data", ({ event }: SendAndReceiveMessageResponse) => {
        if (event?.$case === "rejected") reject(new Error(event.value.reason));
        if (event?.$case !== "ack") return;
        if (++acks === texts.length) resolve();
        else post();
      });
      call.on("error", reject);
    });
    call.write({ action: { $case: "join", value: { room, author } } });
    while (sent < Math.min(window, texts.length)) post();
    await acked;
    call.end();
  } finally {
    client.close();
  }
}

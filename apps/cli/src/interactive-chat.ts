import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import type { GetStatsResponse } from "@fibchat/contracts/chat/v1";
import { unaryCall } from "./calls.js";
import { formatMessage } from "./chat-format.js";
import { createChatScreen } from "./chat-screen.js";
import { type ChatIdentity, openChatSession } from "./chat-session.js";
import type { CliContext } from "./context.js";

/** How many earlier messages of the room are shown on joining. */
const HISTORY_SIZE = 20;

/**
 * The chat screen for a person at a terminal: shows the room's last 20 (`HISTORY_SIZE`)
 * messages, then a prompt; each line typed is posted and shown once the server stores it, and
 * everyone else's messages appear above the prompt as they arrive. `/quit` or Ctrl-D leaves once
 * every post is answered (resolves); Ctrl-C leaves at once (the run exits 130). Rejects with the
 * `CliError` of a session the server ends.
 */
export async function interactiveChat(context: CliContext, identity: ChatIdentity): Promise<void> {
  const { room, author } = identity;
  const { client, endpoint } = context.clients.chat();
  const style = context.style.stdout;
  const { stdin, stdout } = context.io;

  // Ids are 1, 2, 3 … per room and never reused (chat.proto), so the count is the last id and
  // replaying after `count - HISTORY_SIZE` shows the recent history with no gap before live ones.
  const stats = await unaryCall<GetStatsResponse>(
    context.callSettings(endpoint, { deadline: true }),
    (metadata, options, callback) => client.getStats({ room }, metadata, options, callback),
  );
  const history = BigInt(HISTORY_SIZE);
  const replayAfterId = stats.messageCount > history ? stats.messageCount - history : 0n;

  const rl = createInterface({
    input: stdin,
    output: stdout,
    terminal: true,
    prompt: `${author}> `,
  });
  const screen = createChatScreen(rl, stdin, stdout);
  const show = (text: string) => screen.print(text);
  const session = openChatSession(
    client,
    context.callSettings(endpoint, { deadline: false }),
    { room, author, replayAfterId },
    (message) => show(formatMessage(message, style, { clock: "time", self: author })),
  );
  show(style.dim(`joined #${room} as ${author}; /quit or Ctrl-D leaves`));

  rl.on("line", (line) => {
    screen.eraseSubmitted();
    const command = line.trim();
    if (command === "/quit") {
      rl.close();
      return;
    }
    if (command.startsWith("/")) show(style.bad(`unknown command ${command}: /quit leaves`));
    else if (command !== "") {
      session.post(line, randomUUID()).then(
        (outcome) =>
          show(
            outcome.kind === "ack"
              ? formatMessage(outcome.message, style, { clock: "time", self: author })
              : style.bad(`not sent (${outcome.reason}): ${line}`),
          ),
        // The session failed; `closed` reports why.
        () => {},
      );
    }
    rl.prompt(true);
  });
  // With a listener, readline no longer closes itself on Ctrl-C.
  rl.on("SIGINT", () => context.stop.stop("interrupted"));

  const left = new Promise<void>((resolve) => rl.once("close", resolve));
  session.closed.then(
    () => rl.close(),
    () => rl.close(),
  );
  rl.prompt();
  await left;
  screen.close();
  if (!context.stop.signal.aborted) await session.end();
  else await session.closed;
}

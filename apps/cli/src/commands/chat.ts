import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import { Command, Option } from "@commander-js/extra-typings";
import { PostRejectedError } from "@fibchat/client";
import { parseNonEmpty, parseUint32, parseUint64 } from "../arguments.js";
import { messageRecord } from "../chat-format.js";
import type { ChatIdentity } from "../chat-identity.js";
import type { CliContext } from "../context.js";
import { CliError, ExitCode, explained } from "../errors.js";
import { interactiveChat } from "../interactive-chat.js";
import { pipeChat } from "../pipe-chat.js";
import { readMessages } from "../read-messages.js";
import { addPresenceCommands } from "./chat-presence.js";

const DEFAULT_ROOM = "general";

/** `fibchat chat [join]|send|stats|read|rooms|who`: the chat server. */
export function chatCommand(context: () => CliContext): Command {
  const chat = new Command("chat")
    .description("chat rooms on the chat server (joins a room by default)")
    .addHelpText(
      "after",
      `
Examples:
  $ fibchat chat --room general              # the same as: fibchat chat join --room general
  $ fibchat chat send --room general hello
  $ fibchat chat read --room general --follow
  $ fibchat chat rooms
  $ fibchat chat who --room general`,
    );
  const roomOption = () =>
    new Option("--room <room>", "room name: a-z, 0-9, _ and -, up to 64 characters")
      .default(DEFAULT_ROOM)
      .argParser(parseNonEmpty);
  const nameOption = () =>
    new Option(
      "--name <name>",
      "your name in the room (default: the user your --token or --cert names, else your OS user name)",
    ).argParser(parseNonEmpty);

  chat
    .command("join", { isDefault: true })
    .description("join a room: interactive on a terminal, else post each line of stdin")
    .addOption(roomOption())
    .addOption(nameOption())
    .addHelpText(
      "after",
      `
On a terminal (stdin and stdout both TTYs): shows the room's last 20 messages, then a prompt.
Type a message and press Enter; others' messages appear above the prompt as they arrive, and
dim "alice joined" / "alice left" lines as others come and go. /who lists who is in the room;
/quit or Ctrl-D leaves; Ctrl-C leaves at once (exit 130). --timeout does not apply.

Otherwise (stdin is a pipe or a file): posts each line of stdin as one message, skipping empty
lines, and prints the id of each stored message in input order (--json: the message with its
input line number). Exits 0 once every line is acknowledged, or 1 if any was rejected (each
reason on stderr). If the connection drops or the server restarts, it rejoins (up to 5 times)
and sends again what was not acknowledged; each line's client_message_id keeps it from being
stored twice. With --timeout, each line must be acknowledged within it. Others' messages are
not printed.

Examples:
  $ fibchat chat --room general --name alice
  $ printf 'hello\\nworld\\n' | fibchat chat --room general --name bot
  $ fibchat chat join --room ops < notes.txt`,
    )
    .action(async ({ room, name }) => {
      const ctx = context();
      const identity = { room, author: name ?? defaultName(ctx) };
      const { stdin, stdout } = ctx.io;
      if (stdin.isTTY === true && stdout.isTTY === true) await interactiveChat(ctx, identity);
      else await pipeChat(ctx, identity);
    });

  chat
    .command("send")
    .description("post one message and print its id")
    .argument("<text...>", "the message; several words are joined with spaces")
    .addOption(roomOption())
    .addOption(nameOption())
    .option(
      "--client-id <id>",
      "client_message_id: sending again with the same id (and room and name) stores nothing new",
      parseNonEmpty,
    )
    .addHelpText(
      "after",
      `
Examples:
  $ fibchat chat send --room general --name alice hello everyone
  $ fibchat chat send --client-id deploy-42 "deploy 42 is done"   # safe to retry`,
    )
    .action(async (words, { room, name, clientId }) => {
      const ctx = context();
      await send(ctx, { room, author: name ?? defaultName(ctx) }, words.join(" "), clientId);
    });

  chat
    .command("stats")
    .description("count messages, rooms and connected clients (GetStats)")
    .addOption(
      new Option("--room <room>", "count one room (default: the whole server)").argParser(
        parseNonEmpty,
      ),
    )
    .addHelpText(
      "after",
      `
Examples:
  $ fibchat chat stats
  $ fibchat chat stats --room general --json`,
    )
    .action(async ({ room }) => {
      await stats(context(), room);
    });

  chat
    .command("read")
    .description("print stored messages of a room, oldest first (GetMessages)")
    .addOption(roomOption())
    .addOption(
      new Option(
        "--after <id>",
        "only messages with an id above this; if the server's retention removed the next ones, fails (exit 1) naming the oldest kept",
      )
        .argParser(parseUint64)
        // commander prints defaults with JSON.stringify, which cannot print a bigint.
        .default(0n, "0"),
    )
    .option("--limit <n>", "at most this many stored messages (0: all)", parseUint32, 0)
    .option(
      "--follow",
      "then keep printing new messages until Ctrl-C; resumes after a server restart (--timeout does not apply)",
    )
    .addHelpText(
      "after",
      `
Each line: #id, local date and time, author, text.

Examples:
  $ fibchat chat read --room general --limit 10
  $ fibchat chat read --after 41 --follow --json | jq -r .text`,
    )
    .action(async ({ room, after, limit, follow }) => {
      await readMessages(context(), { room, afterId: after, limit, follow: follow === true });
    });

  addPresenceCommands(chat, context);
  return chat;
}

async function send(
  context: CliContext,
  identity: ChatIdentity,
  text: string,
  clientId: string | undefined,
): Promise<void> {
  const { client, endpoint } = context.clients.chat();
  // One post: no rejoin, and `--timeout` bounds the whole session.
  const session = client.join(identity, {
    ...context.callOptions({ deadline: true }),
    reconnect: false,
    receiveMessages: false,
  });
  const result = await explained(endpoint, async () => {
    try {
      const [posted] = await Promise.all([
        session.post(text, { clientMessageId: clientId ?? randomUUID() }),
        session.close(),
      ]);
      return posted;
    } catch (error) {
      if (!(error instanceof PostRejectedError)) throw error;
      throw new CliError(`message rejected: ${error.reason}`, ExitCode.failure);
    }
  });
  await context.output.result(String(result.message.id), {
    ...messageRecord(result.message),
    duplicate: result.duplicate,
  });
}

async function stats(context: CliContext, room: string | undefined): Promise<void> {
  const { client, endpoint } = context.clients.chat();
  const response = await explained(endpoint, () =>
    client.stats({ room: room ?? "" }, context.callOptions({ deadline: true })),
  );
  // With a room, the server also names its last id: more than the count once retention trimmed it.
  const { lastId } = response;
  const counts = [
    ["messages", response.messageCount],
    ["rooms", response.roomCount],
    ["clients", response.connectedClients],
    ...(lastId === undefined ? [] : [["last id", lastId] as const]),
  ] as const;
  await context.output.result(counts.map(([label, count]) => `${label} ${count}`).join("\n"), {
    room: room ?? null,
    messageCount: String(response.messageCount),
    roomCount: String(response.roomCount),
    connectedClients: String(response.connectedClients),
    ...(lastId === undefined ? {} : { lastId: String(lastId) }),
  });
}

/** What `--name` defaults to: the user the credentials name, else the OS user name. */
function defaultName(context: CliContext): string {
  if (context.credentialName !== undefined) return context.credentialName;
  try {
    return userInfo().username;
  } catch (error) {
    // userInfo() throws when the user has no passwd entry (some containers).
    throw new CliError("cannot tell your user name: give one with --name", ExitCode.usage, {
      cause: error,
    });
  }
}

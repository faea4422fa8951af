import { createInterface } from "node:readline";
import { PostRejectedError } from "@fibchat/client";
import { formatMessage } from "./chat-format.js";
import type { ChatIdentity } from "./chat-identity.js";
import { createChatScreen } from "./chat-screen.js";
import type { CliContext } from "./context.js";
import { explained, rpcFailure } from "./errors.js";
import { formatWho } from "./presence-format.js";

/** How many earlier messages of the room are shown on joining. */
const HISTORY_SIZE = 20;

/**
 * The chat screen for a person at a terminal: shows the room's last 20 (`HISTORY_SIZE`)
 * messages, then a prompt; each line typed is posted and shown once the server stores it, and
 * everyone else's messages appear above the prompt as they arrive, with dim `alice joined` /
 * `alice left` lines as others come and go. `/who` lists the room's members. `/quit` or Ctrl-D leaves once
 * every post is answered (resolves); Ctrl-C leaves at once (the run exits 130). Rejects with the
 * `CliError` of a session the server ends.
 */
export async function interactiveChat(context: CliContext, identity: ChatIdentity): Promise<void> {
  const { room } = identity;
  const { client, endpoint } = context.clients.chat();
  const style = context.style.stdout;
  const { stdin, stdout } = context.io;

  // Ids are never reused, and retention removes a room's oldest messages: the count is not the
  // last id once it has. Replaying after `lastId - HISTORY_SIZE` shows the recent history with no
  // gap before live ones, unless retention removed some of it; then from the oldest kept.
  const stats = await explained(endpoint, () =>
    client.stats({ room }, context.callOptions({ deadline: true })),
  );
  const { replayAfterId, removedThrough } = historyStart(stats);

  // Join and leave lines that come before the screen exists wait for it.
  const early: string[] = [];
  let show = (text: string) => {
    early.push(text);
  };
  // No rejoin: a person sees the session end and can join again.
  const session = client.join(
    { room, author: identity.author, replayAfterId, presenceEvents: true },
    {
      signal: context.stop.signal,
      reconnect: false,
      onPresence: ({ kind, member }) => show(style.dim(`${member.author} ${kind}`)),
    },
  );
  // Without --name, a server that identifies users names the author: wait to know who we are.
  const { author } = await explained(endpoint, () => session.joined);

  const rl = createInterface({
    input: stdin,
    output: stdout,
    terminal: true,
    prompt: `${author}> `,
  });
  const screen = createChatScreen(rl, stdin, stdout);
  show = (text: string) => screen.print(text);
  const shown = (async () => {
    for await (const message of session.messages) {
      show(formatMessage(message, style, { clock: "time", self: author }));
    }
  })();
  // A failure reaches the run through `session.closed`.
  shown.catch(() => {});
  if (removedThrough > 0n && replayAfterId === removedThrough) {
    show(
      style.dim(
        `fibchat: messages before #${removedThrough + 1n} were removed by retention; showing from #${removedThrough + 1n}`,
      ),
    );
  }
  show(style.dim(`joined #${room} as ${author}; /who lists who is here, /quit or Ctrl-D leaves`));
  for (const line of early.splice(0)) show(line);

  rl.on("line", (line) => {
    screen.eraseSubmitted();
    const command = line.trim();
    if (command === "/quit") {
      rl.close();
      return;
    }
    if (command === "/who") {
      client.listMembers({ room }, context.callOptions({ deadline: true })).then(
        (members) => show(style.dim(formatWho(members))),
        (error: unknown) => show(style.bad(`/who failed: ${rpcFailure(error, endpoint).message}`)),
      );
    } else if (command.startsWith("/")) {
      show(style.bad(`unknown command ${command}: /who lists who is here, /quit leaves`));
    } else if (command !== "") {
      session.post(line).then(
        ({ message }) => show(formatMessage(message, style, { clock: "time", self: author })),
        (error: unknown) => {
          if (error instanceof PostRejectedError)
            show(style.bad(`not sent (${error.reason}): ${line}`));
          // Otherwise the session failed; `closed` reports why.
        },
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
  try {
    if (!context.stop.signal.aborted) await session.close();
    else await session.closed;
  } catch (error) {
    throw rpcFailure(error, endpoint);
  }
}

/**
 * Where the history shown on joining starts: the last `HISTORY_SIZE` messages, or fewer when
 * retention removed the ones before (`removedThrough`, 0 when nothing was). A server older than
 * retention sends no `lastId`; its count is the last id.
 */
export function historyStart(stats: {
  readonly messageCount: bigint;
  readonly lastId?: bigint | undefined;
}): { readonly replayAfterId: bigint; readonly removedThrough: bigint } {
  const lastId = stats.lastId ?? stats.messageCount;
  const removedThrough = lastId - stats.messageCount;
  const recent = lastId - BigInt(HISTORY_SIZE);
  return { replayAfterId: recent > removedThrough ? recent : removedThrough, removedThrough };
}

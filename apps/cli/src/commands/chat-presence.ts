import { type Command, Option } from "@commander-js/extra-typings";
import { parseNonEmpty } from "../arguments.js";
import type { CliContext } from "../context.js";
import { explained } from "../errors.js";
import { formatMember, formatRoom, memberRecord, roomRecord } from "../presence-format.js";

/** Rooms asked for per ListRooms call: the server's largest page. */
const ROOMS_PAGE_SIZE = 1_000;

/** Adds `chat rooms` and `chat who` to the `chat` command. */
export function addPresenceCommands(chat: Command, context: () => CliContext): void {
  chat
    .command("rooms")
    .description("list the rooms that hold messages or have members now (ListRooms)")
    .addHelpText(
      "after",
      `
Each line: room, stored messages, members now, and the local time of its last message.
Every room is listed, page by page.

Examples:
  $ fibchat chat rooms
  $ fibchat chat rooms --json | jq -r 'select(.memberCount != "0") | .room'`,
    )
    .action(async () => {
      const ctx = context();
      const { client, endpoint } = ctx.clients.chat();
      await explained(endpoint, async () => {
        const rooms = client.rooms(
          { pageSize: ROOMS_PAGE_SIZE },
          ctx.callOptions({ deadline: true }),
        );
        for await (const room of rooms) await ctx.output.result(formatRoom(room), roomRecord(room));
      });
    });

  chat
    .command("who")
    .description("list who is in a room now, across every server sharing the store (ListMembers)")
    .addOption(new Option("--room <room>", "room name").default("general").argParser(parseNonEmpty))
    .addHelpText(
      "after",
      `
Each line: an author, since when (local time) their first open session is in the room, and how
many sessions they have there when more than one. The longest present come first (at most 1000).

Examples:
  $ fibchat chat who --room general
  $ fibchat chat who --json | jq -r .author`,
    )
    .action(async ({ room }) => {
      const ctx = context();
      const { client, endpoint } = ctx.clients.chat();
      const members = await explained(endpoint, () =>
        client.listMembers({ room }, ctx.callOptions({ deadline: true })),
      );
      for (const member of members) {
        await ctx.output.result(formatMember(member), memberRecord(member));
      }
    });
}

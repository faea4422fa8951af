import type { Member, RoomSummary } from "@fibchat/contracts/chat/v1";
import { formatLocalTime } from "./chat-format.js";
import type { JsonRecord } from "./output.js";

const plural = (count: number | bigint, one: string) =>
  `${count} ${one}${count === 1 || count === 1n ? "" : "s"}`;

/** `general: 12 messages, 3 members, last 2025-01-31 09:05:00` (local time; no `last` when empty). */
export function formatRoom({
  room,
  messageCount,
  memberCount,
  lastMessageAt,
}: RoomSummary): string {
  const last =
    lastMessageAt === undefined ? "" : `, last ${formatLocalTime(lastMessageAt, "date-time")}`;
  return `${room}: ${plural(messageCount, "message")}, ${plural(memberCount, "member")}${last}`;
}

/** A room as `--json` prints it: counts as strings, the time in ISO 8601 (UTC) or null. */
export function roomRecord({
  room,
  messageCount,
  memberCount,
  lastMessageAt,
}: RoomSummary): JsonRecord {
  return {
    room,
    messageCount: String(messageCount),
    memberCount: String(memberCount),
    lastMessageAt: lastMessageAt?.toISOString() ?? null,
  };
}

/** `alice since 2025-01-31 09:05:00 (2 sessions)`; the session count only when above one. */
export function formatMember({ author, joinedAt, sessions }: Member): string {
  const since = joinedAt === undefined ? "" : ` since ${formatLocalTime(joinedAt, "date-time")}`;
  return `${author}${since}${sessions > 1 ? ` (${sessions} sessions)` : ""}`;
}

/** A member as `--json` prints it. */
export function memberRecord({ room, author, joinedAt, sessions }: Member): JsonRecord {
  return { room, author, joinedAt: joinedAt?.toISOString() ?? null, sessions: String(sessions) };
}

/** `/who` in the chat screen: `here: alice, bob (2 sessions)`. */
export function formatWho(members: readonly Member[]): string {
  if (members.length === 0) return "nobody is here";
  const names = members.map(({ author, sessions }) =>
    sessions > 1 ? `${author} (${sessions} sessions)` : author,
  );
  return `here: ${names.join(", ")}`;
}

import type { ListRoomsRequest, ListRoomsResponse, RoomSummary } from "@fibchat/contracts/chat/v1";
import type { PresenceRegistry } from "../presence/presence-registry.js";
import type { RoomCatalog } from "../store/room-catalog.js";
import { decodePageToken, encodePageToken } from "./page-token.js";
import { asStatus } from "./unavailable-status.js";

/** Rooms a page holds when the request leaves `page_size` at 0. */
export const DEFAULT_ROOMS_PAGE_SIZE = 100;

/** The most rooms one page holds, whatever `page_size` asks (chat.proto). */
export const MAX_ROOMS_PAGE_SIZE = 1_000;

/** What `ListRooms` reads. */
export interface ListRoomsDeps {
  readonly rooms: RoomCatalog;
  readonly presence: PresenceRegistry;
}

/**
 * `ListRooms`: one page of the rooms that hold messages or have members, by name. Each source is
 * asked for one room more than the page holds: a room that sorts within the page is then in both
 * answers if it is in both sources, and a room past the page says there is a next one.
 */
export function createListRooms({ rooms, presence }: ListRoomsDeps) {
  return async ({ pageSize, pageToken }: ListRoomsRequest): Promise<ListRoomsResponse> => {
    const after = decodePageToken(pageToken);
    const size = pageSize === 0 ? DEFAULT_ROOMS_PAGE_SIZE : Math.min(pageSize, MAX_ROOMS_PAGE_SIZE);
    const [stored, occupied] = await Promise.all([
      asStatus(rooms.storedRooms(after, size + 1)),
      asStatus(presence.occupiedRooms(after, size + 1)),
    ]);
    const summaries = new Map<string, RoomSummary>();
    for (const { room, messageCount, lastMessageAt } of stored) {
      summaries.set(room, { room, messageCount, lastMessageAt, memberCount: 0 });
    }
    for (const { room, memberCount } of occupied) {
      const summary = summaries.get(room);
      if (summary === undefined) {
        summaries.set(room, { room, messageCount: 0n, lastMessageAt: undefined, memberCount });
      } else summary.memberCount = memberCount;
    }
    const sorted = [...summaries.values()].sort((a, b) => (a.room < b.room ? -1 : 1));
    const page = sorted.slice(0, size);
    const last = page.at(-1);
    const more = sorted.length > size && last !== undefined;
    return { rooms: page, nextPageToken: more ? encodePageToken(last.room) : "" };
  };
}

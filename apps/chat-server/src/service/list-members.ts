import type { ListMembersRequest, ListMembersResponse, Member } from "@fibchat/contracts/chat/v1";
import { MAX_MEMBERS_LISTED, type Presence, type PresenceRegistry } from "../presence/index.js";
import { parseRoom } from "../rules/index.js";
import { required } from "./request-rules.js";
import { asStatus } from "./unavailable-status.js";

/** The wire form of a member. */
export function toMember({ room, author, joinedAt, sessions }: Presence): Member {
  return { room, author, joinedAt, sessions };
}

/** `ListMembers`: who is in a room now, the longest present first, at most 1000. */
export function createListMembers(presence: PresenceRegistry) {
  return async ({ room }: ListMembersRequest): Promise<ListMembersResponse> => {
    const name = required(parseRoom(room));
    const members = await asStatus(presence.members(name, MAX_MEMBERS_LISTED));
    return { members: members.map(toMember) };
  };
}

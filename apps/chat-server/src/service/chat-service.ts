import type {
  ChatServiceServer,
  GetStatsRequest,
  GetStatsResponse,
} from "@fibchat/contracts/chat/v1";
import { type AdapterRuntime, bidiStreaming, serverStreaming, unary } from "@fibchat/server-kit";
import type { PresenceRegistry } from "../presence/index.js";
import type { ConnectedSessions } from "../room-feed/index.js";
import { parseRoom } from "../rules/index.js";
import type { MessageStore, RoomCatalog } from "../store/index.js";
import type { ChatLimits } from "./chat-limits.js";
import type { ChatMetrics } from "./chat-metrics.js";
import { createChatSession } from "./chat-session.js";
import { createGetMessages } from "./get-messages.js";
import { createListMembers } from "./list-members.js";
import { createListRooms } from "./list-rooms.js";
import { required } from "./request-rules.js";
import { withUnavailableStatus } from "./unavailable-status.js";

/** Dependencies of {@link createChatService}. */
export interface ChatServiceDeps {
  readonly store: MessageStore;
  readonly sessions: ConnectedSessions;
  readonly runtime: AdapterRuntime;
  /** `--max-queue`: how far a reader may fall behind. */
  readonly maxQueue: number;
  /** `--max-text-bytes`: the longest text accepted. */
  readonly maxTextBytes: number;
  readonly metrics: ChatMetrics;
  /** `--post-rate`, `--post-burst` and `--max-sessions-per-user`, per limit key. */
  readonly limits: ChatLimits;
  /** Who is in which room: this instance's sessions, or every instance's on Redis. */
  readonly presence: PresenceRegistry;
  /** The rooms holding stored messages, for ListRooms. */
  readonly rooms: RoomCatalog;
}

/**
 * The `chat.v1.ChatService` implementation, ready for `server.addService`. Every call that needs
 * the store fails with `UNAVAILABLE` while the store cannot reach its storage.
 */
export function createChatService(deps: ChatServiceDeps): ChatServiceServer {
  const { sessions, runtime } = deps;
  const store = withUnavailableStatus(deps.store);
  const served = { ...deps, store };

  async function getStats({ room }: GetStatsRequest): Promise<GetStatsResponse> {
    const name = room === "" ? undefined : required(parseRoom(room));
    const { messageCount, roomCount } = await store.stats(name);
    return { messageCount, roomCount, connectedClients: sessions.count(name) };
  }

  return {
    getStats: unary(getStats, runtime),
    getMessages: serverStreaming(createGetMessages(served), runtime),
    sendAndReceiveMessage: bidiStreaming(createChatSession(served), runtime),
    listRooms: unary(createListRooms(deps), runtime),
    listMembers: unary(createListMembers(deps.presence), runtime),
  };
}

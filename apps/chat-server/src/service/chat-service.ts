import type {
  ChatServiceServer,
  GetStatsRequest,
  GetStatsResponse,
  SendAndReceiveMessageResponse,
} from "@fibchat/contracts/chat/v1";
import {
  type AdapterRuntime,
  duplexSession,
  type SharedResponses,
  serverStreaming,
  unary,
} from "@fibchat/server-kit";
import type { PresenceRegistry } from "../presence/index.js";
import type { ConnectedSessions } from "../room-feed/index.js";
import { parseRoom } from "../rules/index.js";
import type { RetainingStore, RoomCatalog } from "../store/index.js";
import type { ChatLimits } from "./chat-limits.js";
import type { ChatMetrics } from "./chat-metrics.js";
import { createChatSession } from "./chat-session.js";
import { createGetMessages } from "./get-messages.js";
import { createListMembers } from "./list-members.js";
import { createListRooms } from "./list-rooms.js";
import { createMessageDeliveries } from "./message-deliveries.js";
import { required } from "./request-rules.js";
import { withRetentionStatus } from "./retention-status.js";
import { type SessionTracer, untracedSession } from "./session-trace.js";
import { asStatus, withUnavailableStatus } from "./unavailable-status.js";

/** Dependencies of {@link createChatService}. */
export interface ChatServiceDeps {
  readonly store: RetainingStore;
  /** The retention flags in force, as an `OUT_OF_RANGE` answer names them. */
  readonly retention: string;
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
  /**
   * The responses sessions share, encoded once: those of the definition given to `addService`
   * (`chatServiceDefinition`).
   */
  readonly sessionResponses: SharedResponses<SendAndReceiveMessageResponse>;
  /**
   * Opens each session's trace: `activeSpanSessionTrace` on a server that traces, else
   * `untracedSession` (the default).
   */
  readonly traceSession?: SessionTracer;
}

/**
 * The `chat.v1.ChatService` implementation, ready for `server.addService`. Every call that needs
 * the store fails with `UNAVAILABLE` while the store cannot reach its storage.
 */
export function createChatService(deps: ChatServiceDeps): ChatServiceServer {
  const { sessions, runtime } = deps;
  const store = withUnavailableStatus(withRetentionStatus(deps.store, deps.retention));
  const deliveries = createMessageDeliveries(deps.sessionResponses);
  const served = { ...deps, store, deliveries, traceSession: deps.traceSession ?? untracedSession };
  const idRange = (room: string) => asStatus(deps.store.idRange(room));

  async function getStats({ room }: GetStatsRequest): Promise<GetStatsResponse> {
    const name = room === "" ? undefined : required(parseRoom(room));
    const { messageCount, roomCount } = await store.stats(name);
    const connectedClients = sessions.count(name);
    if (name === undefined) return { messageCount, roomCount, connectedClients };
    // Ids are never reused and retention removes the oldest: the count is not the last id.
    const { lastId } = await idRange(name);
    return { messageCount, roomCount, connectedClients, lastId };
  }

  return {
    getStats: unary(getStats, runtime),
    getMessages: serverStreaming(createGetMessages(served), runtime),
    sendAndReceiveMessage: duplexSession(createChatSession(served), runtime),
    listRooms: unary(createListRooms(deps), runtime),
    listMembers: unary(createListMembers(deps.presence), runtime),
  };
}

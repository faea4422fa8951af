import {
  type ChatMessage,
  ChatServiceClient,
  type GetMessagesRequest,
  type GetStatsResponse,
  type ListMembersResponse,
  type ListRoomsResponse,
  type Member,
  type RoomSummary,
} from "@fibchat/contracts/chat/v1";
import { type CallOptions, type PreparedCall, prepareCall } from "../call/call-options.js";
import {
  createReconnector,
  type ReconnectEvent,
  type ResumePolicy,
} from "../call/resume-policy.js";
import { serverStream } from "../call/server-stream.js";
import { unary } from "../call/unary.js";
import { type ClientOptions, channelCredentials, channelOptions } from "../client-options.js";
import type { StatusName } from "../fibchat-error.js";
import {
  type ChatSession,
  type JoinOptions,
  openChatSession,
  type SessionOptions,
} from "./chat-session.js";

/** What {@link ChatClient.messages} reads. */
export interface MessagesRequest {
  /** The room; empty or absent: `general`. */
  readonly room?: string;
  /** Only messages with an id above this; 0 or absent: from the first. */
  readonly afterId?: bigint;
  /** At most this many stored messages; 0 or absent: all. */
  readonly limit?: number;
  /** After the stored messages, go on with each new one until the caller stops. */
  readonly follow?: boolean;
}

/** Options of {@link ChatClient.messages}. */
export interface MessagesOptions extends CallOptions {
  /**
   * With `follow`: reopen the stream after the last message yielded when the server ends it with
   * `UNAVAILABLE` (it restarted, the connection dropped) or `RESOURCE_EXHAUSTED` (this reader fell
   * more than the server's `--max-queue` behind), so no message is skipped or yielded twice.
   * Default `true` with `follow`; `false` turns it off.
   */
  readonly resume?: boolean | ResumePolicy;
  /** Told before each reopen, with the failure that caused it. */
  readonly onReconnect?: (event: ReconnectEvent) => void;
}

/** Which page of rooms {@link ChatClient.listRooms} reads. */
export interface ListRoomsRequest {
  /** Rooms per page: absent or 0 means the server's default (100); it never sends over 1000. */
  readonly pageSize?: number;
  /** The previous page's `nextPageToken`; absent for the first page. */
  readonly pageToken?: string;
}

/** A typed client of `chat.v1.ChatService`. */
export interface ChatClient {
  /** Stored messages, rooms holding messages and open sessions: of one room, or all. */
  stats(request?: { readonly room?: string }, options?: CallOptions): Promise<GetStatsResponse>;
  /**
   * The stored messages of a room after `afterId`, oldest first; with `follow`, then every new
   * one until the loop stops (leaving it cancels the call). Reads no further ahead than the loop.
   * Throws a `MessagesRemovedError` (`OUT_OF_RANGE`, with `oldestId`) when the messages after a
   * nonzero `afterId` were removed by the server's retention, also when a resumed follow finds
   * them gone: it never skips them silently, and never resumes past them on its own.
   */
  messages(
    request: MessagesRequest,
    options?: MessagesOptions,
  ): AsyncGenerator<ChatMessage, void, undefined>;
  /**
   * Joins a room and returns the session: posts acknowledged once stored, others' messages in
   * id order, and a rejoin that loses and repeats nothing when the connection drops.
   */
  join(join: JoinOptions, options?: SessionOptions): ChatSession;
  /**
   * One page of the rooms that hold messages or have members, by name, with each one's message
   * count, last message time and member count. Pass `nextPageToken` back for the next page.
   */
  listRooms(request?: ListRoomsRequest, options?: CallOptions): Promise<ListRoomsResponse>;
  /** Every room, page after page ({@link listRooms}), read as the loop asks for them. */
  rooms(
    request?: Omit<ListRoomsRequest, "pageToken">,
    options?: CallOptions,
  ): AsyncGenerator<RoomSummary, void, undefined>;
  /**
   * Who is in a room now (`general` when absent), across every server instance sharing the
   * store: the longest present first, at most 1000.
   */
  listMembers(request?: { readonly room?: string }, options?: CallOptions): Promise<Member[]>;
  /** Closes the channel. */
  close(): void;
}

// The statuses chat.proto ends a long-lived call with when the caller should resume it.
const RESUMABLE: ReadonlySet<StatusName> = new Set(["UNAVAILABLE", "RESOURCE_EXHAUSTED"]);

/** Creates a {@link ChatClient} for `target` (`host:port` or a gRPC target URI). */
export function createChatClient(target: string, options: ClientOptions = {}): ChatClient {
  const client = new ChatServiceClient(
    target,
    channelCredentials(options.tls),
    channelOptions(target, options),
  );
  const getStats = (room: string, call: PreparedCall) =>
    unary<GetStatsResponse>(target, call, (metadata, grpcOptions, callback) =>
      client.getStats({ room }, metadata, grpcOptions, callback),
    );
  const listRooms = (
    { pageSize = 0, pageToken = "" }: ListRoomsRequest = {},
    callOptions?: CallOptions,
  ) =>
    unary<ListRoomsResponse>(
      target,
      prepareCall(target, options, callOptions),
      (metadata, grpcOptions, callback) =>
        client.listRooms({ pageSize, pageToken }, metadata, grpcOptions, callback),
    );
  return {
    async stats({ room = "" } = {}, callOptions) {
      return getStats(room, prepareCall(target, options, callOptions));
    },

    async *messages(request, { resume, onReconnect, ...callOptions } = {}) {
      const follow = request.follow ?? false;
      const reconnector = createReconnector({
        resume: follow ? (resume ?? true) : false,
        codes: RESUMABLE,
        signal: callOptions.signal,
        onReconnect,
      });
      let next: GetMessagesRequest = {
        room: request.room ?? "",
        afterId: request.afterId ?? 0n,
        limit: request.limit ?? 0,
        follow,
      };
      for (;;) {
        // A follow stream has no end to put a deadline on, unless the call asks for one.
        const call = prepareCall(target, options, callOptions, { deadline: !follow });
        try {
          const stream = serverStream(target, call, ({ metadata, options }) =>
            client.getMessages(next, metadata, options),
          );
          for await (const { message } of stream) {
            if (message === undefined) continue;
            reconnector.progressed();
            // Resume after this id; `limit` bounded the stored messages of the first call only.
            next = { ...next, afterId: message.id, limit: 0 };
            yield message;
          }
          return;
        } catch (error) {
          if (!(await reconnector.retry(error))) throw error;
        }
      }
    },

    join(join, sessionOptions = {}) {
      const { metadata, timeoutMs } = sessionOptions;
      const prepare = () =>
        prepareCall(
          target,
          options,
          {
            ...(metadata === undefined ? {} : { metadata }),
            ...(timeoutMs === undefined ? {} : { timeoutMs }),
          },
          // Not the client's default deadline: a session lasts as long as its user wants.
          { deadline: false },
        );
      // Retention makes the count smaller than the last id; a server older than retention sends
      // no last_id, and there ids run 1, 2, 3 … with none removed: the count is the last id.
      const roomHead = async () => {
        const stats = await getStats(join.room ?? "", prepare());
        return stats.lastId ?? stats.messageCount;
      };
      return openChatSession(client, target, prepare, join, sessionOptions, roomHead);
    },

    listRooms,

    async *rooms(request = {}, callOptions) {
      let pageToken = "";
      do {
        const page = await listRooms({ ...request, pageToken }, callOptions);
        yield* page.rooms;
        pageToken = page.nextPageToken;
      } while (pageToken !== "");
    },

    async listMembers({ room = "" } = {}, callOptions) {
      const { members } = await unary<ListMembersResponse>(
        target,
        prepareCall(target, options, callOptions),
        (metadata, grpcOptions, callback) =>
          client.listMembers({ room }, metadata, grpcOptions, callback),
      );
      return members;
    },

    close: () => client.close(),
  };
}

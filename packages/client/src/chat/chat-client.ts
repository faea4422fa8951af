import {
  type ChatMessage,
  ChatServiceClient,
  type GetMessagesRequest,
  type GetStatsResponse,
} from "@fibchat/contracts/chat/v1";
import { type CallOptions, prepareCall } from "../call/call-options.js";
import {
  createBackoff,
  isResumable,
  type ReconnectEvent,
  type ResumePolicy,
  resumePolicy,
} from "../call/resume-policy.js";
import { serverStream } from "../call/server-stream.js";
import { unary } from "../call/unary.js";
import { type ClientOptions, channelCredentials, channelOptions } from "../client-options.js";
import type { StatusName } from "../fibchat-error.js";

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

/** A typed client of `chat.v1.ChatService`. */
export interface ChatClient {
  /** Stored messages, rooms holding messages and open sessions: of one room, or all. */
  stats(request?: { readonly room?: string }, options?: CallOptions): Promise<GetStatsResponse>;
  /**
   * The stored messages of a room after `afterId`, oldest first; with `follow`, then every new
   * one until the loop stops (leaving it cancels the call). Reads no further ahead than the loop.
   */
  messages(
    request: MessagesRequest,
    options?: MessagesOptions,
  ): AsyncGenerator<ChatMessage, void, undefined>;
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
  return {
    stats({ room = "" } = {}, callOptions) {
      const call = prepareCall(options, callOptions);
      return unary<GetStatsResponse>(target, call, (metadata, grpcOptions, callback) =>
        client.getStats({ room }, metadata, grpcOptions, callback),
      );
    },

    async *messages(request, { resume, onReconnect, ...callOptions } = {}) {
      const follow = request.follow ?? false;
      const policy = resumePolicy(follow ? (resume ?? true) : false);
      const backoff = policy === undefined ? undefined : createBackoff(policy, callOptions.signal);
      let next: GetMessagesRequest = {
        room: request.room ?? "",
        afterId: request.afterId ?? 0n,
        limit: request.limit ?? 0,
        follow,
      };
      let reached = false;
      for (;;) {
        // A follow stream has no end to put a deadline on, unless the call asks for one.
        const call = prepareCall(options, callOptions, { deadline: !follow });
        try {
          const stream = serverStream(target, call, ({ metadata, options }) =>
            client.getMessages(next, metadata, options),
          );
          for await (const { message } of stream) {
            if (message === undefined) continue;
            reached = true;
            backoff?.progressed();
            // Resume after this id; `limit` bounded the stored messages of the first call only.
            next = { ...next, afterId: message.id, limit: 0 };
            yield message;
          }
          return;
        } catch (error) {
          if (
            policy === undefined ||
            backoff === undefined ||
            !isResumable(error, RESUMABLE, reached) ||
            backoff.attempt >= policy.attempts
          ) {
            throw error;
          }
          onReconnect?.({ attempt: backoff.attempt + 1, of: policy.attempts, error });
          if (!(await backoff.next())) throw error;
        }
      }
    },

    close: () => client.close(),
  };
}

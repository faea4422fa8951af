import type { GetMessagesRequest, GetMessagesResponse } from "@fibchat/contracts/chat/v1";
import type { CallContext } from "@fibchat/server-kit";
import { openRoomFeed } from "../room-feed/index.js";
import { parseRoom } from "../rules/index.js";
import type { MessageStore, StoredMessage } from "../store/index.js";
import type { ChatLimits } from "./chat-limits.js";
import type { ChatMetrics } from "./chat-metrics.js";
import { required } from "./request-rules.js";
import { holdingSessionSlot } from "./session-slot.js";
import { slowConsumerRpcError, slowConsumerStatus } from "./slow-consumer-status.js";
import { toChatMessage } from "./to-chat-message.js";

/** Stored messages read per query. */
const PAGE_SIZE = 256;

/** What `GetMessages` needs. */
export interface GetMessagesDeps {
  readonly store: MessageStore;
  /** Live messages a follower may fall behind before it is cut off (`--max-queue`). */
  readonly maxQueue: number;
  readonly metrics: ChatMetrics;
  readonly limits: ChatLimits;
}

/**
 * `GetMessages`: the stored messages of a room after `after_id`, at most `limit` (0: all), then,
 * with `follow`, every message stored after the call began, until the client cancels. A follow
 * stream holds one of the caller's `--max-sessions-per-user` slots while it is open.
 */
export function createGetMessages(deps: GetMessagesDeps) {
  const getMessages = createReadMessages(deps);
  return (request: GetMessagesRequest, context: CallContext) =>
    request.follow
      ? holdingSessionSlot(deps.limits.sessions, context, () => getMessages(request, context))
      : getMessages(request, context);
}

function createReadMessages({ store, maxQueue, metrics }: GetMessagesDeps) {
  return async function* getMessages(
    { room, afterId, limit, follow }: GetMessagesRequest,
    context: CallContext,
  ): AsyncGenerator<GetMessagesResponse> {
    const name = required(parseRoom(room));
    const done = new AbortController();
    const signal = AbortSignal.any([context.signal, done.signal]);
    // Subscribed before the history is read: a message stored meanwhile is either in the
    // history or in the live feed (or both, and then skipped by id), never in neither.
    const live = follow
      ? openRoomFeed({
          store,
          room: name,
          capacity: maxQueue,
          signal,
          onSlowConsumer: (error) => {
            metrics.slowConsumerCutoffs.follow += 1;
            context.end(slowConsumerRpcError(error, "after_id"));
          },
        })
      : undefined;
    if (live !== undefined) metrics.followStreamsOpen += 1;
    let last = afterId;
    try {
      for await (const message of storedAfter(store, name, afterId, limit)) {
        if (signal.aborted) return;
        last = message.id;
        metrics.delivered.follow += 1;
        yield { message: toChatMessage(message) };
      }
      if (live === undefined) return;
      for await (const message of live) {
        if (message.id <= last) continue;
        last = message.id;
        metrics.delivered.follow += 1;
        yield { message: toChatMessage(message) };
      }
    } catch (error) {
      throw slowConsumerStatus(error, "after_id");
    } finally {
      if (live) {
        metrics.followStreamsOpen -= 1;
        metrics.feedQueueHighWaterMark = Math.max(
          metrics.feedQueueHighWaterMark,
          live.queueHighWaterMark,
        );
      }
      done.abort();
    }
  };
}

async function* storedAfter(
  store: MessageStore,
  room: string,
  afterId: bigint,
  limit: number,
): AsyncGenerator<StoredMessage> {
  let remaining = limit === 0 ? Number.POSITIVE_INFINITY : limit;
  let cursor = afterId;
  while (remaining > 0) {
    const page = await store.readAfter(room, cursor, Math.min(PAGE_SIZE, remaining));
    yield* page;
    const lastOfPage = page.at(-1);
    if (lastOfPage === undefined || page.length < Math.min(PAGE_SIZE, remaining)) return;
    remaining -= page.length;
    cursor = lastOfPage.id;
  }
}

import { RpcError } from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import type { MessageStore, RetainingStore } from "../store/index.js";

/** The trailer naming the oldest kept id of a room, sent with an `OUT_OF_RANGE` read. */
export const OLDEST_ID_TRAILER = "fibchat-oldest-id";

/**
 * `store`, except that a read after a nonzero id whose next messages were removed by retention
 * fails with `OUT_OF_RANGE` (gRPC's "past the valid range") instead of skipping them: a reader
 * resuming from where it was must never take a gap for "no messages". The message says what was
 * removed and where to read from; the {@link OLDEST_ID_TRAILER} trailer says it to programs.
 * `afterId` 0 means "from the start" and reads whatever is kept. `policy` names the flags, for
 * the message.
 *
 * The check follows the read, so a trim between the two cannot hide a gap: the read either
 * starts right after `afterId` or the removal shows in the room's id range read after it.
 */
export function withRetentionStatus(store: RetainingStore, policy: string): MessageStore {
  return {
    append: (input) => store.append(input),
    async readAfter(room, afterId, limit) {
      const page = await store.readAfter(room, afterId, limit);
      if (afterId <= 0n || page[0]?.id === afterId + 1n) return page;
      const { removedThrough } = await store.idRange(room);
      if (removedThrough <= afterId) return page;
      const oldest = removedThrough + 1n;
      const removed =
        afterId + 1n === removedThrough
          ? `message #${removedThrough} of room ${room} was`
          : `messages ${afterId + 1n}…${removedThrough} of room ${room} were`;
      throw new RpcError(
        status.OUT_OF_RANGE,
        `${removed} removed by retention (${policy}); the oldest kept is #${oldest}: read after id ${removedThrough} (or 0 for every message kept)`,
        { trailers: { [OLDEST_ID_TRAILER]: String(oldest) } },
      );
    },
    stats: (room) => store.stats(room),
    subscribe: (listener, room) => store.subscribe(listener, room),
    watchAvailability: (listener) => store.watchAvailability(listener),
    close: () => store.close(),
  };
}

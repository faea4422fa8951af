import { RpcError } from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import { type MessageStore, MessageStoreUnavailableError } from "../store/index.js";

/** What a client is told while the message store cannot be reached. */
export const STORE_UNAVAILABLE_MESSAGE = "the message store is unreachable; retry shortly";

/**
 * `store`, except that a call failing because the storage cannot be reached rejects with
 * `UNAVAILABLE`, which clients retry, rather than ending as `INTERNAL`. Storage knows nothing of
 * gRPC (STYLE.md, convention 4): this is where its unavailability becomes a status.
 */
export function withUnavailableStatus(store: MessageStore): MessageStore {
  return {
    append: (input) => asStatus(store.append(input)),
    readAfter: (room, afterId, limit) => asStatus(store.readAfter(room, afterId, limit)),
    stats: (room) => asStatus(store.stats(room)),
    subscribe: (listener) => store.subscribe(listener),
    watchAvailability: (listener) => store.watchAvailability(listener),
    close: () => store.close(),
  };
}

/** `call`, rejecting with `UNAVAILABLE` as {@link withUnavailableStatus} does when the storage is unreachable. */
export function asStatus<T>(call: Promise<T>): Promise<T> {
  return call.catch((error: unknown) => {
    if (!(error instanceof MessageStoreUnavailableError)) throw error;
    throw new RpcError(status.UNAVAILABLE, STORE_UNAVAILABLE_MESSAGE, { cause: error });
  });
}

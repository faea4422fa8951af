import { RpcError } from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import {
  type MessageStore,
  MessageStoreUnavailableError,
  ReplicationUnconfirmedError,
} from "../store/index.js";

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
    subscribe: (listener, room) => store.subscribe(listener, room),
    watchAvailability: (listener) => store.watchAvailability(listener),
    close: () => store.close(),
  };
}

/**
 * `call`, except that a rejection because the storage cannot be reached becomes `UNAVAILABLE`:
 * for the presence registry and room catalog, which share the store's storage.
 */
export function asStatus<T>(call: Promise<T>): Promise<T> {
  return call.catch((error: unknown) => {
    if (!(error instanceof MessageStoreUnavailableError)) throw error;
    const message =
      error instanceof ReplicationUnconfirmedError ? error.reason : STORE_UNAVAILABLE_MESSAGE;
    throw new RpcError(status.UNAVAILABLE, message, { cause: error });
  });
}

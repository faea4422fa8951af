/** One stored chat message. */
export interface StoredMessage {
  readonly room: string;
  /** 1, 2, 3 … per room, in the order stored; never reused. */
  readonly id: bigint;
  readonly author: string;
  readonly text: string;
  /** When the store accepted it, to the millisecond. */
  readonly sentAt: Date;
  /** As the client sent it; empty when the post is not deduplicated. */
  readonly clientMessageId: string;
}

/** A message to store; its fields have already passed the chat rules. */
export interface AppendInput {
  readonly room: string;
  readonly author: string;
  readonly text: string;
  /** Empty: never deduplicated. Otherwise unique per (room, author). */
  readonly clientMessageId: string;
}

/** What {@link MessageStore.append} did. */
export interface AppendResult {
  /** The stored message: the new one, or the original when `duplicate`. */
  readonly message: StoredMessage;
  /** True when an earlier append had the same (room, author, clientMessageId); nothing was stored. */
  readonly duplicate: boolean;
}

/** Appends a store committed at once (SQLite: one group-commit transaction; Redis: one append). */
export interface CommittedBatch {
  /** Appends answered by this commit. */
  readonly appends: number;
  /** Of those, the ones that stored a message (the rest were duplicates). */
  readonly stored: number;
  /** How long the commit took, commit and fsync included. */
  readonly seconds: number;
}

/** Counts over stored messages. */
export interface StoreStats {
  readonly messageCount: bigint;
  /** Rooms holding at least one message. */
  readonly roomCount: number;
}

/** Receives each newly stored message; must not throw. */
export type MessageListener = (message: StoredMessage) => void;

/** Receives whether a store can reach its storage; must not throw. */
export type AvailabilityListener = (available: boolean) => void;

/**
 * Durable, numbered chat history shared by every server instance that opens
 * the same storage. All methods but `subscribe` are async, and every backend
 * passes the same contract suite (`test-support/message-store-contract.ts`).
 */
export interface MessageStore {
  /**
   * Stores the message durably, then resolves. Ids are 1, 2, 3 … per room,
   * never reused. An append repeating the (room, author, clientMessageId) of
   * an earlier one, with a non-empty clientMessageId, stores nothing and
   * resolves with the original message and `duplicate: true`.
   *
   * Rejects with a {@link MessageStoreUnavailableError} when the storage
   * cannot be reached. The message may then have been stored or not: a retry
   * with the same clientMessageId is answered with the original if it was.
   */
  append(input: AppendInput): Promise<AppendResult>;
  /**
   * Messages of `room` with id > `afterId`, ascending, at most `limit`.
   * Rejects with a RangeError unless `limit` is a positive safe integer.
   */
  readAfter(room: string, afterId: bigint, limit: number): Promise<StoredMessage[]>;
  /** Counts for one room or, with `undefined`, for all rooms. */
  stats(room: string | undefined): Promise<StoreStats>;
  /**
   * Calls `listener` with every message newly stored by anyone sharing the
   * store (never with duplicates), in id order per room, once `readAfter`
   * can return it; with `room`, only that room's. Returns a function that
   * unsubscribes; calling it again does nothing. Throws a
   * {@link MessageStoreClosedError} once closed.
   *
   * A store that cannot hear of every room at once (the Redis Cluster store,
   * which listens per room) throws a RangeError without `room`.
   */
  subscribe(listener: MessageListener, room?: string): () => void;
  /**
   * Calls `listener` at once with whether the storage can be reached now,
   * then with every change, until the returned function is called (calling
   * it again does nothing). While unreachable, calls may reject with a
   * {@link MessageStoreUnavailableError}; the store reconnects by itself.
   * Throws a {@link MessageStoreClosedError} once closed.
   */
  watchAvailability(listener: AvailabilityListener): () => void;
  /**
   * Stores the appends already accepted, then releases the storage. Every
   * later call except `close` and unsubscribing rejects (or, for
   * `subscribe` and `watchAvailability`, throws) with a
   * {@link MessageStoreClosedError}.
   */
  close(): Promise<void>;
}

/** The error of every call made to a {@link MessageStore} after `close()`. */
export class MessageStoreClosedError extends Error {
  override readonly name = "MessageStoreClosedError";

  constructor() {
    super("the message store is closed");
  }
}

/**
 * The error of a call that could not reach the storage, such as a Redis
 * server that is down; the same call may succeed once it is back.
 */
export class MessageStoreUnavailableError extends Error {
  override readonly name: string = "MessageStoreUnavailableError";

  /** `cause`, the failure that made the storage unreachable, also names it in the message. */
  constructor(options?: { readonly cause?: unknown }) {
    const cause = options?.cause;
    const reason = cause instanceof Error ? `: ${cause.message}` : "";
    super(`the message store is unreachable${reason}`, options);
  }
}

/** Throws the RangeError that {@link MessageStore.readAfter} promises for a bad `limit`. */
export function assertReadLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`readAfter limit must be a positive safe integer, got ${limit}`);
  }
}

/**
 * The error of an append that was stored but whose replication to the replicas asked for could
 * not be confirmed in time (Redis Cluster, `--redis-min-replicas-acked`). Unavailable like any
 * other: a retry with the same clientMessageId finds the message and confirms it before answering.
 */
export class ReplicationUnconfirmedError extends MessageStoreUnavailableError {
  override readonly name = "ReplicationUnconfirmedError";
  /** What a client is told. */
  readonly reason: string;

  constructor(replicas: number, timeoutMs: number) {
    super();
    this.reason = `could not confirm replication to ${replicas} replica(s) within ${timeoutMs}ms; retry`;
    this.message = this.reason;
  }
}

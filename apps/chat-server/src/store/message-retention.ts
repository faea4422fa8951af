import type { MessageStore } from "./message-store.js";

/**
 * How much history each room keeps (`--retain-messages`, `--retain-for`). A field left out does
 * not limit; with neither, nothing is ever removed.
 */
export interface RetentionPolicy {
  /** Keep at most this many messages per room, the newest. */
  readonly maxMessages?: number;
  /** Remove messages stored longer ago than this, in milliseconds. */
  readonly maxAgeMs?: number;
}

/** Where a room's ids stand. */
export interface RoomIdRange {
  /** The last id handed out in the room; 0 if it never held a message. */
  readonly lastId: bigint;
  /**
   * Every id up to this one was removed by retention (0: none was). Retention always removes a
   * room's oldest messages first, so the oldest kept message, if any, is `removedThrough + 1`.
   */
  readonly removedThrough: bigint;
}

/**
 * Removing old history, beside {@link MessageStore} so that stores without retention need not
 * change. Ids are never reused: a room whose messages were all removed goes on from its last id.
 * A removed message's clientMessageId is forgotten with it, so deduplication holds for as long as
 * the original is kept.
 */
export interface MessageRetention {
  /** The rooms holding at least one message now. */
  roomsWithMessages(): Promise<string[]>;
  /**
   * Removes from `room` the oldest messages that `policy` no longer keeps at `now`: beyond the
   * newest `maxMessages`, or stored before `now - maxAgeMs`. Removes at most `limit` in one short
   * step (one transaction, one script), so appends never wait long, and resolves with how many
   * it removed: fewer than `limit` means the room is within the policy.
   */
  trimRoom(room: string, policy: RetentionPolicy, now: Date, limit: number): Promise<number>;
  /** Where the ids of `room` stand. */
  idRange(room: string): Promise<RoomIdRange>;
}

/** A {@link MessageStore} that can also remove old history. */
export type RetainingStore = MessageStore & MessageRetention;

/** Whether `policy` removes anything at all. */
export function retainsEverything(policy: RetentionPolicy): boolean {
  return policy.maxMessages === undefined && policy.maxAgeMs === undefined;
}

/**
 * The id through which a room's messages go, given its ids and `oldest`, its oldest kept
 * messages in id order (at least `limit` of them if it has that many; only their `sentAt`
 * matters, and only with `maxAgeMs`). Never more than `limit` beyond `removedThrough`. The
 * Redis trim script computes the same in Lua.
 */
export function retentionFloor(
  policy: RetentionPolicy,
  now: Date,
  range: RoomIdRange,
  oldest: readonly { readonly id: bigint; readonly sentAt: Date }[],
  limit: number,
): bigint {
  let floor = range.removedThrough;
  if (policy.maxMessages !== undefined) {
    const byCount = range.lastId - BigInt(policy.maxMessages);
    if (byCount > floor) floor = byCount;
  }
  if (policy.maxAgeMs !== undefined) {
    const cutoff = now.getTime() - policy.maxAgeMs;
    // Only the oldest first: a message stored under a clock that went back waits for those before it.
    for (const message of oldest) {
      if (message.sentAt.getTime() >= cutoff) break;
      if (message.id > floor) floor = message.id;
    }
  }
  const most = range.removedThrough + BigInt(limit);
  return floor < most ? floor : most;
}

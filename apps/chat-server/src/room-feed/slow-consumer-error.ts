/**
 * Ends a room feed whose reader fell more than `capacity` live messages
 * behind. The feed has already dropped its queue and unsubscribed, so memory
 * stays bounded; the reader can resume with a new feed after
 * `lastDeliveredId`, which is why the error carries it.
 */
export class SlowConsumerError extends Error {
  override readonly name = "SlowConsumerError";
  readonly room: string;
  /**
   * The id of the last message the feed handed to its reader (before any: the
   * id it started after) — resume after it.
   */
  readonly lastDeliveredId: bigint;
  /** The queue capacity the reader exceeded. */
  readonly capacity: number;

  constructor(room: string, lastDeliveredId: bigint, capacity: number) {
    super(
      `the reader of room "${room}" fell more than ${capacity} messages behind after id ${lastDeliveredId}`,
    );
    this.room = room;
    this.lastDeliveredId = lastDeliveredId;
    this.capacity = capacity;
  }
}

/** A room holding stored messages, as ListRooms reports it. */
export interface StoredRoom {
  readonly room: string;
  /** Messages stored in the room now. */
  readonly messageCount: bigint;
  /** When its newest stored message was stored. */
  readonly lastMessageAt: Date;
}

/**
 * The rooms of a message store, by name: what ListRooms pages through. Kept apart from
 * MessageStore (each backend reads its own storage in a file of its own).
 */
export interface RoomCatalog {
  /**
   * Rooms holding at least one stored message whose name sorts after `after` (`""`: from the
   * first), ascending, at most `limit`.
   */
  storedRooms(after: string, limit: number): Promise<StoredRoom[]>;
  /** Releases what the catalog holds of its own (the store it reads stays open). */
  close(): Promise<void>;
}

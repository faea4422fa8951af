/** One author present in a room. */
export interface Presence {
  readonly room: string;
  readonly author: string;
  /** When the author's first open session (of this stay) joined the room. */
  readonly joinedAt: Date;
  /** The author's open sessions in the room: at least 1 while present, 0 in a `left` event. */
  readonly sessions: number;
}

/** An author's first session joined a room, or their last one left it. */
export interface PresenceEvent {
  readonly kind: "joined" | "left";
  readonly member: Presence;
}

/** Receives every {@link PresenceEvent}; must not throw. */
export type PresenceListener = (event: PresenceEvent) => void;

/** A room with members now, and how many. */
export interface OccupiedRoom {
  readonly room: string;
  readonly memberCount: number;
}

/** Ends one session's presence; calling it again does nothing. */
export type LeaveRoom = () => Promise<void>;

/** The most members {@link PresenceRegistry.members} answers with: ListMembers' bound. */
export const MAX_MEMBERS_LISTED = 1_000;

/**
 * Who is in which room now, per author: an author with several sessions in a room is one member
 * that joins once (with its first session) and leaves once (with its last). Kept apart from the
 * MessageStore: memory and SQLite keep it per instance, Redis shares it between instances.
 */
export interface PresenceRegistry {
  /**
   * Counts one session of `author` in `room` until the returned function is called. Resolves
   * once the session is registered and, if it is the author's first, once every listener of
   * this instance has heard `joined`: a message the author posts afterwards reaches listeners
   * after it.
   */
  enter(room: string, author: string): Promise<LeaveRoom>;
  /** The members of `room`: the longest present first (then by author), at most `limit`. */
  members(room: string, limit: number): Promise<Presence[]>;
  /** Rooms with members whose name sorts after `after`, ascending, at most `limit`. */
  occupiedRooms(after: string, limit: number): Promise<OccupiedRoom[]>;
  /**
   * Calls `listener` with every join and leave of every room (from every instance sharing the
   * registry), until the returned function is called.
   */
  subscribe(listener: PresenceListener): () => void;
  /** Ends the presence of this instance's remaining sessions, then releases the registry. */
  close(): Promise<void>;
}

/** Orders members as {@link PresenceRegistry.members} lists them. */
export function byArrival(a: Presence, b: Presence): number {
  const time = a.joinedAt.getTime() - b.joinedAt.getTime();
  if (time !== 0) return time;
  return a.author < b.author ? -1 : a.author > b.author ? 1 : 0;
}

import { createPresenceListeners } from "./presence-listeners.js";
import {
  byArrival,
  type OccupiedRoom,
  type Presence,
  type PresenceRegistry,
} from "./presence-registry.js";

/** Options of {@link createLocalPresence}. */
export interface LocalPresenceOptions {
  /** The clock `joinedAt` is read from; tests inject one. Default: `new Date()`. */
  readonly now?: () => Date;
}

interface Stay {
  readonly joinedAt: Date;
  sessions: number;
}

/**
 * A {@link PresenceRegistry} of this instance's own sessions, kept in memory: the registry of the
 * memory and SQLite stores, whose files belong to one instance. Events are emitted synchronously,
 * inside `enter` and the leave function.
 */
export function createLocalPresence(options: LocalPresenceOptions = {}): PresenceRegistry {
  const now = options.now ?? (() => new Date());
  const rooms = new Map<string, Map<string, Stay>>();
  const listeners = createPresenceListeners();
  const open = new Set<() => void>();

  const presence = (room: string, author: string, stay: Stay): Presence => ({
    room,
    author,
    joinedAt: stay.joinedAt,
    sessions: stay.sessions,
  });

  function enter(room: string, author: string): () => void {
    let members = rooms.get(room);
    if (members === undefined) {
      members = new Map();
      rooms.set(room, members);
    }
    let stay = members.get(author);
    if (stay === undefined) {
      stay = { joinedAt: now(), sessions: 1 };
      members.set(author, stay);
      listeners.emit({ kind: "joined", member: presence(room, author, stay) });
    } else stay.sessions++;
    const current = stay;
    const roomMembers = members;
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      open.delete(leave);
      current.sessions--;
      if (current.sessions > 0) return;
      roomMembers.delete(author);
      if (roomMembers.size === 0) rooms.delete(room);
      listeners.emit({ kind: "left", member: presence(room, author, current) });
    };
    open.add(leave);
    return leave;
  }

  return {
    async enter(room, author) {
      const leave = enter(room, author);
      return async () => leave();
    },

    async members(room, limit) {
      const members = [...(rooms.get(room) ?? [])].map(([author, stay]) =>
        presence(room, author, stay),
      );
      return members.sort(byArrival).slice(0, limit);
    },

    async occupiedRooms(after, limit) {
      const occupied: OccupiedRoom[] = [];
      for (const [room, members] of rooms) {
        if (room > after) occupied.push({ room, memberCount: members.size });
      }
      return occupied.sort((a, b) => (a.room < b.room ? -1 : 1)).slice(0, limit);
    },

    subscribe: (listener) => listeners.add(listener),

    async close() {
      for (const leave of [...open]) leave();
    },
  };
}

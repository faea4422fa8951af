/**
 * The open chat sessions of this server instance, per room: what GetStats
 * reports as connected_clients. Other instances sharing the store keep their
 * own counts.
 */
export interface ConnectedSessions {
  /** Counts one session in `room` until the returned function is called; calling it again does nothing. */
  enter(room: string): () => void;
  /** Open sessions in `room` or, with `undefined`, in all rooms. */
  count(room: string | undefined): number;
}

/** Creates a {@link ConnectedSessions} with no sessions. */
export function createConnectedSessions(): ConnectedSessions {
  const perRoom = new Map<string, number>();
  let total = 0;
  return {
    enter(room) {
      perRoom.set(room, (perRoom.get(room) ?? 0) + 1);
      total++;
      let left = false;
      return () => {
        if (left) return;
        left = true;
        total--;
        const remaining = (perRoom.get(room) ?? 0) - 1;
        if (remaining === 0) perRoom.delete(room);
        else perRoom.set(room, remaining);
      };
    },

    count(room) {
      return room === undefined ? total : (perRoom.get(room) ?? 0);
    },
  };
}

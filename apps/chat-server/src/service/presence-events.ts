import type { SendAndReceiveMessageResponse } from "@fibchat/contracts/chat/v1";
import { RpcError } from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import type { PresenceRegistry } from "../presence/index.js";
import { toMember } from "./list-members.js";

/** Where one session's member events go. */
export interface PresenceEventsOptions {
  readonly presence: PresenceRegistry;
  readonly room: string;
  /** The session's own author: their joins and leaves are not reported to them. */
  readonly author: string;
  /** `--max-queue`: member events that may wait for the client before it counts as slow. */
  readonly capacity: number;
  readonly push: (response: SendAndReceiveMessageResponse) => void;
  readonly fail: (error: unknown) => void;
}

/** A session's subscription to member events. */
export interface SessionPresenceEvents {
  /** Stops sending; calling it again does nothing. */
  stop(): void;
  /** The session sent one event to its client (or handed it to grpc-js to send). */
  taken(): void;
}

/**
 * Sends a session the `member_joined` / `member_left` events of its room, of authors other than
 * its own, until `stop`. Events wait in the session until written, and it calls `taken` for each one it
 * sends; more than `capacity` of them waiting ends the session with `RESOURCE_EXHAUSTED`, as a
 * slow reader of messages is ended.
 */
export function presenceEvents(options: PresenceEventsOptions): SessionPresenceEvents {
  const { presence, room, author, capacity, push, fail } = options;
  let waiting = 0;
  let stopped = false;
  const unsubscribe = presence.subscribe(({ kind, member }) => {
    if (stopped || member.room !== room || member.author === author) return;
    if (++waiting > capacity) {
      stop();
      fail(
        new RpcError(
          status.RESOURCE_EXHAUSTED,
          `you fell more than ${capacity} member events behind in room "${room}" and were disconnected; rejoin, and call ListMembers for who is there`,
        ),
      );
      return;
    }
    const value = toMember(member);
    push({
      event: kind === "joined" ? { $case: "memberJoined", value } : { $case: "memberLeft", value },
    });
  });
  function stop(): void {
    stopped = true;
    unsubscribe();
  }
  return {
    stop,
    taken() {
      waiting--;
    },
  };
}

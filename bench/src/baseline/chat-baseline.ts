import type {
  ChatServiceServer,
  SendAndReceiveMessageRequest,
  SendAndReceiveMessageResponse,
} from "@fibchat/contracts/chat/v1";
import { type ServerDuplexStream, status } from "@grpc/grpc-js";
import { endWithStatus } from "./end-with-status.js";

/** Options of {@link createChatBaseline}. */
export interface ChatBaselineOptions {
  /** Messages a session may fall behind before it is cut off, as fibchat's `--max-queue`. */
  readonly maxQueue: number;
}

type Session = ServerDuplexStream<SendAndReceiveMessageRequest, SendAndReceiveMessageResponse>;

interface Member {
  readonly call: Session;
  /** Set while `write()` has returned false and `'drain'` has not come yet. */
  congested: boolean;
  /** Cut off for falling behind: nothing more is written. */
  cutOff: boolean;
}

/**
 * A chat server with nothing but the protocol: each post is acknowledged at once with an id from
 * a counter (no storage, no validation, no replay) and relayed to the room's other sessions. It
 * keeps the two rules any correct server needs: a session whose client does not read its acks is
 * not read from until `'drain'`, and a session with more than `maxQueue` messages waiting in
 * grpc-js's buffer is ended with `RESOURCE_EXHAUSTED` rather than buffered without bound
 * (grpc-node #1332).
 * `GetStats` reports connected sessions only; `GetMessages` is not implemented.
 */
export function createChatBaseline({ maxQueue }: ChatBaselineOptions): ChatServiceServer {
  const rooms = new Map<string, Set<Member>>();
  let lastId = 0n;

  const leave = (room: string, member: Member) => {
    const members = rooms.get(room);
    members?.delete(member);
    if (members?.size === 0) rooms.delete(room);
  };

  const send = (room: string, member: Member, response: SendAndReceiveMessageResponse) => {
    if (member.cutOff) return;
    // In object mode, writableLength counts the messages grpc-js holds for this session.
    if (member.call.writableLength >= maxQueue) {
      member.cutOff = true;
      leave(room, member);
      endWithStatus(member.call, status.RESOURCE_EXHAUSTED, "fell behind; rejoin");
      return;
    }
    if (member.call.write(response) || member.congested) return;
    member.congested = true;
    member.call.pause();
    member.call.once("drain", () => {
      member.congested = false;
      member.call.resume();
    });
  };

  return {
    getStats(call, callback) {
      const { room } = call.request;
      const sessions =
        room === ""
          ? [...rooms.values()].reduce((total, members) => total + members.size, 0)
          : (rooms.get(room)?.size ?? 0);
      callback(null, { messageCount: lastId, roomCount: rooms.size, connectedClients: sessions });
    },
    getMessages(call) {
      endWithStatus(call, status.UNIMPLEMENTED, "the baseline stores no messages");
    },
    listRooms(_call, callback) {
      callback({ code: status.UNIMPLEMENTED, details: "the baseline lists no rooms" });
    },
    listMembers(_call, callback) {
      callback({ code: status.UNIMPLEMENTED, details: "the baseline tracks no presence" });
    },
    sendAndReceiveMessage(call) {
      const member: Member = { call, congested: false, cutOff: false };
      let joined: { room: string; author: string } | undefined;
      call.on("data", ({ action }: SendAndReceiveMessageRequest) => {
        if (action?.$case === "join" && joined === undefined) {
          joined = { room: action.value.room, author: action.value.author };
          const members = rooms.get(joined.room) ?? new Set();
          rooms.set(joined.room, members.add(member));
          return;
        }
        if (action?.$case !== "post" || joined === undefined) {
          endWithStatus(call, status.FAILED_PRECONDITION, "join once, then post");
          return;
        }
        const { room, author } = joined;
        const { text, clientMessageId } = action.value;
        const message = { room, id: ++lastId, author, text, sentAt: new Date() };
        send(room, member, {
          event: { $case: "ack", value: { clientMessageId, message, duplicate: false } },
        });
        for (const other of rooms.get(room) ?? []) {
          if (other !== member) send(room, other, { event: { $case: "message", value: message } });
        }
      });
      const close = () => {
        if (joined !== undefined) leave(joined.room, member);
      };
      call.on("end", () => {
        close();
        call.end();
      });
      call.on("cancelled", close);
      call.on("error", close);
    },
  };
}

import { fromBinary } from "@bufbuild/protobuf";
import { BinaryReader } from "@bufbuild/protobuf/wire";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import {
  ChatMessage,
  ChatServiceService,
  GetMessagesRequest,
  GetMessagesResponse,
  GetStatsRequest,
  GetStatsResponse,
  JoinRoom,
  MessageAck,
  MessageRejected,
  PostMessage,
  SendAndReceiveMessageRequest,
  SendAndReceiveMessageResponse,
} from "./gen/chat/v1/chat.js";
import {
  FibonacciNumber,
  FibonacciServiceService,
  GetSequenceRequest,
  GetSequenceResponse,
  StreamSequenceRequest,
  StreamSequenceResponse,
} from "./gen/fibonacci/v1/fibonacci.js";
import { Timestamp } from "./gen/google/protobuf/timestamp.js";
import { descriptorSetPath, readDescriptorSet } from "./index.js";

const U64_MAX = 2n ** 64n - 1n;
const sentAt = new Date("2026-11-20T12:34:56.789Z");
const message: ChatMessage = { room: "general", id: 42n, author: "ada", text: "hi ✓", sentAt };

/** Encodes then decodes `value` with its generated codec. */
function roundTrip<T>(
  codec: { encode(m: T): { finish(): Uint8Array }; decode(b: Uint8Array): T },
  value: T,
): T {
  return codec.decode(codec.encode(value).finish());
}

describe("every message survives encode → decode unchanged", () => {
  const numbers = [
    { index: 0, value: "0" },
    { index: 100, value: "354224848179261915075" },
  ];
  // Each case names the message; the loop keeps the codec and value types paired.
  const cases: Array<[string, () => void]> = [
    ["GetSequenceRequest", () => check(GetSequenceRequest, { count: 20, start: 4294967295 })],
    ["GetSequenceResponse", () => check(GetSequenceResponse, { numbers })],
    ["StreamSequenceRequest", () => check(StreamSequenceRequest, { count: 1, start: 93 })],
    ["StreamSequenceResponse", () => check(StreamSequenceResponse, { number: numbers[1] })],
    ["FibonacciNumber", () => check(FibonacciNumber, { index: 92, value: "7540113804746346429" })],
    ["ChatMessage", () => check(ChatMessage, message)],
    ["GetStatsRequest", () => check(GetStatsRequest, { room: "ops" })],
    [
      "GetStatsResponse",
      () => check(GetStatsResponse, { messageCount: U64_MAX, roomCount: 3, connectedClients: 7 }),
    ],
    [
      "GetMessagesRequest",
      () => check(GetMessagesRequest, { room: "r", afterId: U64_MAX, limit: 10, follow: true }),
    ],
    ["GetMessagesResponse", () => check(GetMessagesResponse, { message })],
    [
      "SendAndReceiveMessageRequest",
      () =>
        check(SendAndReceiveMessageRequest, {
          action: { $case: "post", value: { text: "x", clientMessageId: "c1" } },
        }),
    ],
    ["JoinRoom", () => check(JoinRoom, { room: "a", author: "b", replayAfterId: 0n })],
    ["PostMessage", () => check(PostMessage, { text: "line\nnext", clientMessageId: "id-1" })],
    [
      "SendAndReceiveMessageResponse",
      () =>
        check(SendAndReceiveMessageResponse, {
          event: { $case: "rejected", value: { clientMessageId: "c", reason: "too long" } },
        }),
    ],
    ["MessageAck", () => check(MessageAck, { clientMessageId: "c", message, duplicate: true })],
    ["MessageRejected", () => check(MessageRejected, { clientMessageId: "c", reason: "r" })],
  ];

  function check<T>(
    codec: { encode(m: T): { finish(): Uint8Array }; decode(b: Uint8Array): T },
    value: T,
  ): void {
    expect(roundTrip(codec, value)).toEqual(value);
  }

  for (const [name, run] of cases) {
    it(name, run);
  }
});

describe("uint64 fields are exact bigints", () => {
  for (const id of [0n, 1n, 2n ** 53n + 1n, U64_MAX]) {
    it(`ChatMessage.id = ${id}`, () => {
      const decoded = roundTrip(ChatMessage, { ...message, id });
      expect(typeof decoded.id).toBe("bigint");
      expect(decoded.id).toBe(id);
    });
  }
});

describe("oneofs are tagged unions", () => {
  it("join and post requests keep their case", () => {
    const join = roundTrip(SendAndReceiveMessageRequest, {
      action: { $case: "join", value: { room: "", author: "ada", replayAfterId: 5n } },
    });
    expect(join.action?.$case).toBe("join");
    if (join.action?.$case === "join") {
      expect(join.action.value.replayAfterId).toBe(5n);
    }
  });

  it("an unset optional replay_after_id stays undefined, unlike an explicit 0", () => {
    const unset = roundTrip(JoinRoom, { room: "", author: "ada" });
    expect(unset.replayAfterId).toBeUndefined();
    expect(roundTrip(JoinRoom, { room: "", author: "ada", replayAfterId: 0n }).replayAfterId).toBe(
      0n,
    );
  });

  it("each event case of the response round-trips", () => {
    const events: SendAndReceiveMessageResponse["event"][] = [
      { $case: "ack", value: { clientMessageId: "c", message, duplicate: false } },
      { $case: "message", value: message },
      { $case: "rejected", value: { clientMessageId: "c", reason: "empty text" } },
      undefined,
    ];
    for (const event of events) {
      expect(roundTrip(SendAndReceiveMessageResponse, { event }).event).toEqual(event);
    }
  });
});

describe("Timestamp ↔ Date", () => {
  it("sent_at is a Date on both sides and seconds/nanos on the wire", () => {
    const bytes = ChatMessage.encode(message).finish();
    expect(ChatMessage.decode(bytes).sentAt).toEqual(sentAt);

    // Read field 5 straight off the wire to check the Timestamp encoding itself.
    const reader = new BinaryReader(bytes);
    let timestamp: Timestamp | undefined;
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (field === 5) timestamp = Timestamp.decode(reader.bytes());
      else reader.skip(wireType);
    }
    expect(timestamp).toEqual({
      seconds: BigInt(Math.floor(sentAt.getTime() / 1000)),
      nanos: 789_000_000,
    });
  });

  it("an unset timestamp decodes as undefined", () => {
    expect(roundTrip(ChatMessage, { ...message, sentAt: undefined }).sentAt).toBeUndefined();
  });
});

describe("service definitions carry the full method paths", () => {
  const expected: Array<[string, string, boolean, boolean]> = [
    [
      FibonacciServiceService.getSequence.path,
      "/fibonacci.v1.FibonacciService/GetSequence",
      false,
      false,
    ],
    [
      FibonacciServiceService.streamSequence.path,
      "/fibonacci.v1.FibonacciService/StreamSequence",
      false,
      true,
    ],
    [ChatServiceService.getStats.path, "/chat.v1.ChatService/GetStats", false, false],
    [ChatServiceService.getMessages.path, "/chat.v1.ChatService/GetMessages", false, true],
    [
      ChatServiceService.sendAndReceiveMessage.path,
      "/chat.v1.ChatService/SendAndReceiveMessage",
      true,
      true,
    ],
    [ChatServiceService.listRooms.path, "/chat.v1.ChatService/ListRooms", false, false],
    [ChatServiceService.listMembers.path, "/chat.v1.ChatService/ListMembers", false, false],
  ];
  it.each(expected)("%s", (path, want) => {
    expect(path).toBe(want);
  });

  it("streaming flags match the proto", () => {
    const defs = [...Object.values(FibonacciServiceService), ...Object.values(ChatServiceService)];
    const flags = defs.map((d) => [d.path, d.requestStream, d.responseStream]);
    expect(flags).toEqual(expected.map(([, path, req, res]) => [path, req, res]));
  });
});

describe("descriptor set", () => {
  it("holds every proto with its imports, services and comments", () => {
    expect(descriptorSetPath.endsWith("fibchat.binpb")).toBe(true);
    const set = fromBinary(FileDescriptorSetSchema, readDescriptorSet());
    expect(set.file.map((f) => f.name).sort()).toEqual([
      "chat/v1/chat.proto",
      "fibonacci/v1/fibonacci.proto",
      "google/protobuf/timestamp.proto",
      "grpc/health/v1/health.proto",
      "grpc/reflection/v1/reflection.proto",
      "grpc/reflection/v1alpha/reflection.proto",
    ]);
    const services = set.file.flatMap((f) => f.service.map((s) => `${f.package}.${s.name}`));
    expect(services.sort()).toEqual([
      "chat.v1.ChatService",
      "fibonacci.v1.FibonacciService",
      "grpc.health.v1.Health",
      "grpc.reflection.v1.ServerReflection",
      "grpc.reflection.v1alpha.ServerReflection",
    ]);
    const fib = set.file.find((f) => f.name === "fibonacci/v1/fibonacci.proto");
    expect(fib?.sourceCodeInfo?.location.some((l) => l.leadingComments.includes("exact"))).toBe(
      true,
    );
  });
});

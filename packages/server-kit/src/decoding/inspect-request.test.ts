import { type RequestLayouts, requestLayouts } from "@fibchat/contracts";
import { describe, expect, it } from "vitest";
import { INVALID_UTF8, wire } from "../testing/wire-bytes.js";
import { inspectRequest } from "./inspect-request.js";
import { type MessagePlan, planMessages } from "./wire-plan.js";

// test.v1: every shape a string can hide in, as the contracts' generator lays it out (its own
// test checks that it does so from descriptors):
//   message Outer {
//     string name = 1; repeated string tags = 2; Inner inner = 3; repeated Inner inners = 4;
//     map<string, string> labels = 5; repeated uint32 numbers = 6; Outer next = 7;
//     map<string, Inner> by_key = 8; bytes blob = 9;
//   }
//   message Inner { string note = 1; uint64 count = 2; }
//   message Numbers { uint32 a = 1; repeated int64 b = 2; }
const testLayouts: RequestLayouts = {
  methods: {},
  messages: {
    "test.v1.Outer": [
      { number: 1, name: "test.v1.Outer.name", wireTypes: ["LEN"], utf8: true },
      { number: 2, name: "test.v1.Outer.tags", wireTypes: ["LEN"], utf8: true },
      {
        number: 3,
        name: "test.v1.Outer.inner",
        wireTypes: ["LEN"],
        utf8: false,
        message: "test.v1.Inner",
      },
      {
        number: 4,
        name: "test.v1.Outer.inners",
        wireTypes: ["LEN"],
        utf8: false,
        message: "test.v1.Inner",
      },
      {
        number: 5,
        name: "test.v1.Outer.labels",
        wireTypes: ["LEN"],
        utf8: false,
        message: "test.v1.Outer.labels.entry",
      },
      { number: 6, name: "test.v1.Outer.numbers", wireTypes: ["VARINT", "LEN"], utf8: false },
      {
        number: 7,
        name: "test.v1.Outer.next",
        wireTypes: ["LEN"],
        utf8: false,
        message: "test.v1.Outer",
      },
      {
        number: 8,
        name: "test.v1.Outer.by_key",
        wireTypes: ["LEN"],
        utf8: false,
        message: "test.v1.Outer.by_key.entry",
      },
      { number: 9, name: "test.v1.Outer.blob", wireTypes: ["LEN"], utf8: false },
    ],
    "test.v1.Outer.labels.entry": [
      { number: 1, name: "test.v1.Outer.labels.key", wireTypes: ["LEN"], utf8: true },
      { number: 2, name: "test.v1.Outer.labels.value", wireTypes: ["LEN"], utf8: true },
    ],
    "test.v1.Outer.by_key.entry": [
      { number: 1, name: "test.v1.Outer.by_key.key", wireTypes: ["LEN"], utf8: true },
      {
        number: 2,
        name: "test.v1.Outer.by_key.value",
        wireTypes: ["LEN"],
        utf8: false,
        message: "test.v1.Inner",
      },
    ],
    "test.v1.Inner": [
      { number: 1, name: "test.v1.Inner.note", wireTypes: ["LEN"], utf8: true },
      { number: 2, name: "test.v1.Inner.count", wireTypes: ["VARINT"], utf8: false },
    ],
    "test.v1.Numbers": [
      { number: 1, name: "test.v1.Numbers.a", wireTypes: ["VARINT"], utf8: false },
      { number: 2, name: "test.v1.Numbers.b", wireTypes: ["VARINT", "LEN"], utf8: false },
    ],
  },
};
const testPlans = planMessages(testLayouts);
const contractPlans = planMessages(requestLayouts);

function plan(plans: ReadonlyMap<string, MessagePlan>, typeName: string): MessagePlan {
  const found = plans.get(typeName);
  if (found === undefined) throw new Error(`no ${typeName}`);
  return found;
}

const outer = plan(testPlans, "test.v1.Outer");
const BAD = [0xc3, 0x28];

describe("planMessages", () => {
  it("marks which types hold a string anywhere", () => {
    expect(outer.hasStrings).toBe(true);
    expect(plan(testPlans, "test.v1.Numbers").hasStrings).toBe(false);
    for (const typeName of [
      "fibonacci.v1.GetSequenceRequest",
      "fibonacci.v1.StreamSequenceRequest",
    ])
      expect(plan(contractPlans, typeName).hasStrings).toBe(false);
    expect(plan(contractPlans, "chat.v1.SendAndReceiveMessageRequest").hasStrings).toBe(true);
  });

  it("links recursive types to themselves", () => {
    expect(outer.fields.get(7)?.message).toBe(outer);
  });

  it("refuses a layout naming a message it does not lay out", () => {
    const broken: RequestLayouts = {
      methods: {},
      messages: {
        "test.v1.A": [
          { number: 1, name: "test.v1.A.b", wireTypes: ["LEN"], utf8: false, message: "test.v1.B" },
        ],
      },
    };
    expect(() => planMessages(broken)).toThrow(
      "the layout of test.v1.A.b names test.v1.B, which has none",
    );
  });
});

describe("inspectRequest", () => {
  const valid: { name: string; bytes: number[] }[] = [
    { name: "empty message", bytes: [] },
    { name: "ASCII", bytes: wire.len(1, "general") },
    { name: "emoji and CJK", bytes: [...wire.len(1, "héllo 👋 世界"), ...wire.len(2, "🎉")] },
    { name: "U+FFFD sent as such", bytes: wire.len(1, "\uFFFD") },
    { name: "invalid bytes in a bytes field", bytes: wire.len(9, [0xff, 0xfe]) },
    {
      name: "packed numbers whose bytes are not UTF-8",
      bytes: wire.len(6, [0xff, 0x01, 0xc3, 0x28]),
    },
    { name: "unpacked numbers", bytes: [...wire.uint(6, 300), ...wire.uint(6, 1)] },
    { name: "unknown length-delimited field", bytes: wire.len(99, BAD) },
    {
      name: "unknown varint, fixed64 and fixed32",
      bytes: [
        ...wire.uint(50, 7),
        ...wire.tag(51, 1),
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        ...wire.tag(52, 5),
        1,
        2,
        3,
        4,
      ],
    },
    { name: "unknown group", bytes: [...wire.tag(60, 3), ...wire.len(1, BAD), ...wire.tag(60, 4)] },
    {
      name: "nested and repeated",
      bytes: [
        ...wire.len(3, wire.len(1, "ok")),
        ...wire.len(4, [...wire.len(1, "a"), ...wire.uint(2, 5)]),
      ],
    },
    { name: "map entry", bytes: wire.len(5, [...wire.len(1, "k"), ...wire.len(2, "v")]) },
  ];
  for (const { name, bytes } of valid)
    it(`accepts ${name}`, () =>
      expect(inspectRequest(Uint8Array.from(bytes), outer)).toBeUndefined());

  const invalidUtf8: { name: string; bytes: number[]; field: string }[] = [
    ...INVALID_UTF8.map(({ name, bytes }) => ({
      name: `string field: ${name}`,
      bytes: [...wire.len(2, "fine"), ...wire.len(1, bytes)],
      field: "test.v1.Outer.name",
    })),
    {
      name: "second element of a repeated string",
      bytes: [...wire.len(2, "ok"), ...wire.len(2, BAD)],
      field: "test.v1.Outer.tags",
    },
    {
      name: "nested message",
      bytes: wire.len(3, [...wire.uint(2, 1), ...wire.len(1, BAD)]),
      field: "test.v1.Inner.note",
    },
    {
      name: "repeated message",
      bytes: [...wire.len(4, []), ...wire.len(4, wire.len(1, BAD))],
      field: "test.v1.Inner.note",
    },
    {
      name: "map key",
      bytes: wire.len(5, [...wire.len(1, BAD), ...wire.len(2, "v")]),
      field: "test.v1.Outer.labels.key",
    },
    {
      name: "map value",
      bytes: wire.len(5, [...wire.len(1, "k"), ...wire.len(2, BAD)]),
      field: "test.v1.Outer.labels.value",
    },
    {
      name: "message map value",
      bytes: wire.len(8, [...wire.len(1, "k"), ...wire.len(2, wire.len(1, BAD))]),
      field: "test.v1.Inner.note",
    },
    {
      name: "recursive message",
      bytes: wire.len(7, wire.len(7, wire.len(1, BAD))),
      field: "test.v1.Outer.name",
    },
    {
      name: "first of two bad fields",
      bytes: [...wire.len(2, BAD), ...wire.len(1, BAD)],
      field: "test.v1.Outer.tags",
    },
  ];
  for (const { name, bytes, field } of invalidUtf8)
    it(`names the field of invalid UTF-8 in ${name}`, () =>
      expect(inspectRequest(Uint8Array.from(bytes), outer)).toEqual({
        kind: "invalid-utf8",
        field,
      }));

  let deep: number[] = wire.len(1, "x");
  for (let i = 0; i < 100; i++) deep = wire.len(7, deep);
  const malformed: { name: string; bytes: number[]; reason: RegExp }[] = [
    {
      name: "a length past the end",
      bytes: [...wire.tag(1, 2), 5, 0x61, 0x62],
      reason: /truncated/,
    },
    { name: "a tag cut short", bytes: [0x80], reason: /truncated/ },
    { name: "a varint cut short", bytes: [...wire.tag(6, 0), 0x80], reason: /truncated/ },
    { name: "a fixed64 cut short", bytes: [...wire.tag(50, 1), 1, 2], reason: /truncated/ },
    {
      name: "a field overrunning its message",
      bytes: [...wire.tag(3, 2), 2, ...wire.tag(1, 2), 3, 0x61, 0x62, 0x63],
      reason: /truncated/,
    },
    { name: "field number 0", bytes: [0x00, ...wire.len(1, BAD)], reason: /field number 0/ },
    {
      name: "field number 0 in a nested message",
      bytes: [...wire.len(3, [0x00]), ...wire.len(1, "x")],
      reason: /field number 0/,
    },
    { name: "an end-group tag without a start", bytes: wire.tag(40, 4), reason: /end-group/ },
    { name: "a group without an end", bytes: wire.tag(60, 3), reason: /without its end/ },
    {
      name: "a group ended by another field's tag",
      bytes: [...wire.tag(60, 3), ...wire.tag(61, 4)],
      reason: /end-group/,
    },
    { name: "wire type 6", bytes: wire.tag(1, 6), reason: /wire type 6/ },
    {
      name: "a string field sent as a varint",
      bytes: wire.uint(1, 2),
      reason: /test\.v1\.Outer\.name has wire type 0/,
    },
    {
      name: "a message field sent as fixed32",
      bytes: [...wire.tag(3, 5), 1, 2, 3, 4],
      reason: /test\.v1\.Outer\.inner has wire type 5/,
    },
    {
      name: "a varint of 11 bytes",
      bytes: [...wire.tag(6, 0), ...Array(10).fill(0xff), 0x01],
      reason: /longer than 10/,
    },
    { name: "a tag beyond 32 bits", bytes: [0xff, 0xff, 0xff, 0xff, 0x7f], reason: /32 bits/ },
    { name: "messages nested 101 deep", bytes: deep, reason: /nested more than 100/ },
  ];
  for (const { name, bytes, reason } of malformed)
    it(`refuses ${name} as malformed`, () => {
      const defect = inspectRequest(Uint8Array.from(bytes), outer);
      expect(defect?.kind).toBe("malformed");
      expect(defect?.kind === "malformed" && defect.reason).toMatch(reason);
    });

  it("names the field in fibchat's chat requests", () => {
    const request = plan(contractPlans, "chat.v1.SendAndReceiveMessageRequest");
    const post = wire.len(2, [...wire.len(1, "hi"), ...wire.len(2, [0xff])]);
    expect(inspectRequest(Uint8Array.from(post), request)).toEqual({
      kind: "invalid-utf8",
      field: "chat.v1.PostMessage.client_message_id",
    });
  });
});

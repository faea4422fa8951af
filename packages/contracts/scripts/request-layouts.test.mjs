// @ts-check
import { readFileSync } from "node:fs";
import { createFileRegistry, fromBinary, fromJson } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { requestLayouts } from "../src/gen/request-layouts.js";
import { renderRequestLayouts, requestLayoutsOf } from "./request-layouts.mjs";

/** @param {string} name @param {string} type @param {number} number @param {object} [more] */
const field = (name, number, type, more = {}) => ({
  name,
  number,
  label: "LABEL_OPTIONAL",
  type,
  ...more,
});
/** @param {string} name @param {number} number @param {string} type @param {object} [more] */
const repeated = (name, number, type, more = {}) =>
  field(name, number, type, { label: "LABEL_REPEATED", ...more });

// test.v1: every shape a string can hide in, served by one method.
const testFile = fromJson(FileDescriptorProtoSchema, {
  name: "test/v1/test.proto",
  package: "test.v1",
  syntax: "proto3",
  messageType: [
    {
      name: "Outer",
      field: [
        field("name", 1, "TYPE_STRING"),
        repeated("tags", 2, "TYPE_STRING"),
        field("inner", 3, "TYPE_MESSAGE", { typeName: ".test.v1.Inner" }),
        repeated("inners", 4, "TYPE_MESSAGE", { typeName: ".test.v1.Inner" }),
        repeated("labels", 5, "TYPE_MESSAGE", { typeName: ".test.v1.Outer.LabelsEntry" }),
        repeated("numbers", 6, "TYPE_UINT32"),
        field("next", 7, "TYPE_MESSAGE", { typeName: ".test.v1.Outer" }),
        repeated("by_key", 8, "TYPE_MESSAGE", { typeName: ".test.v1.Outer.ByKeyEntry" }),
        field("blob", 9, "TYPE_BYTES"),
        field("mood", 10, "TYPE_ENUM", { typeName: ".test.v1.Mood" }),
        repeated("moods", 11, "TYPE_ENUM", { typeName: ".test.v1.Mood" }),
        repeated("ratios", 12, "TYPE_DOUBLE"),
        field("crc", 13, "TYPE_FIXED32"),
      ],
      nestedType: [
        {
          name: "LabelsEntry",
          options: { mapEntry: true },
          field: [field("key", 1, "TYPE_STRING"), field("value", 2, "TYPE_STRING")],
        },
        {
          name: "ByKeyEntry",
          options: { mapEntry: true },
          field: [
            field("key", 1, "TYPE_INT64"),
            field("value", 2, "TYPE_MESSAGE", { typeName: ".test.v1.Inner" }),
          ],
        },
      ],
    },
    { name: "Inner", field: [field("note", 1, "TYPE_STRING"), field("count", 2, "TYPE_UINT64")] },
    { name: "Reply" },
  ],
  enumType: [{ name: "Mood", value: [{ name: "MOOD_UNSPECIFIED", number: 0 }] }],
  service: [
    {
      name: "TestService",
      method: [{ name: "Call", inputType: ".test.v1.Outer", outputType: ".test.v1.Reply" }],
    },
  ],
});

// A proto2 group: its field is delimited (start and end tags), not length-prefixed.
const legacyFile = fromJson(FileDescriptorProtoSchema, {
  name: "test/v1/legacy.proto",
  package: "test.v1",
  syntax: "proto2",
  messageType: [
    {
      name: "Holder",
      field: [field("legacy", 1, "TYPE_GROUP", { typeName: ".test.v1.Holder.Legacy" })],
      nestedType: [{ name: "Legacy", field: [field("s", 2, "TYPE_STRING")] }],
    },
  ],
  service: [
    {
      name: "LegacyService",
      method: [{ name: "Call", inputType: ".test.v1.Holder", outputType: ".test.v1.Holder" }],
    },
  ],
});

/** @param {import("@bufbuild/protobuf/wkt").FileDescriptorProto} proto */
function fileOf(proto) {
  const file = createFileRegistry(proto, () => undefined).getFile(proto.name);
  if (file === undefined) throw new Error(`no ${proto.name}`);
  return file;
}

describe("requestLayoutsOf", () => {
  it("lays out every field a request can reach, each type once", () => {
    expect(requestLayoutsOf([fileOf(testFile)])).toEqual({
      methods: { "/test.v1.TestService/Call": "test.v1.Outer" },
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
          { number: 10, name: "test.v1.Outer.mood", wireTypes: ["VARINT"], utf8: false },
          { number: 11, name: "test.v1.Outer.moods", wireTypes: ["VARINT", "LEN"], utf8: false },
          { number: 12, name: "test.v1.Outer.ratios", wireTypes: ["I64", "LEN"], utf8: false },
          { number: 13, name: "test.v1.Outer.crc", wireTypes: ["I32"], utf8: false },
        ],
        "test.v1.Inner": [
          { number: 1, name: "test.v1.Inner.note", wireTypes: ["LEN"], utf8: true },
          { number: 2, name: "test.v1.Inner.count", wireTypes: ["VARINT"], utf8: false },
        ],
        "test.v1.Outer.labels.entry": [
          { number: 1, name: "test.v1.Outer.labels.key", wireTypes: ["LEN"], utf8: true },
          { number: 2, name: "test.v1.Outer.labels.value", wireTypes: ["LEN"], utf8: true },
        ],
        "test.v1.Outer.by_key.entry": [
          { number: 1, name: "test.v1.Outer.by_key.key", wireTypes: ["VARINT"], utf8: false },
          {
            number: 2,
            name: "test.v1.Outer.by_key.value",
            wireTypes: ["LEN"],
            utf8: false,
            message: "test.v1.Inner",
          },
        ],
      },
    });
  });

  it("lays out a group as delimited", () => {
    expect(requestLayoutsOf([fileOf(legacyFile)]).messages["test.v1.Holder"]).toEqual([
      {
        number: 1,
        name: "test.v1.Holder.legacy",
        wireTypes: ["SGROUP"],
        utf8: false,
        message: "test.v1.Holder.Legacy",
      },
    ]);
  });

  it("renders a module that evaluates to the layouts", () => {
    const layouts = requestLayoutsOf([fileOf(testFile)]);
    const source = renderRequestLayouts(layouts, ["test/v1/test.proto"]);
    const literal = source.slice(source.indexOf("= {") + 2, source.lastIndexOf(";"));
    expect(new Function(`return (${literal});`)()).toEqual(layouts);
  });

  it("is what generated the contracts' layouts, every service of the protos included", () => {
    const set = fromBinary(
      FileDescriptorSetSchema,
      readFileSync(new URL("../descriptors/fibchat.binpb", import.meta.url)),
    );
    const registry = createFileRegistry(set);
    const withServices = [...registry.files].filter((file) => file.services.length > 0);
    const generated = readFileSync(
      new URL("../src/gen/request-layouts.ts", import.meta.url),
      "utf8",
    );
    expect(generated).toBe(
      renderRequestLayouts(
        requestLayoutsOf(withServices),
        withServices.map((file) => file.proto.name),
      ),
    );
    expect(Object.keys(requestLayouts.methods)).toHaveLength(12);
  });
});

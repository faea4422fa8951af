// @ts-check
/**
 * The wire layout of request messages (the shape of `src/request-layouts.ts`), computed from
 * their descriptors. Used by `protoc-gen-request-layouts.mjs`; plain JavaScript, type-checked, so
 * that `buf generate` can run it before anything is built.
 */
import { ScalarType } from "@bufbuild/protobuf";

/** @typedef {import("../src/request-layouts.js").RequestLayouts} RequestLayouts */
/** @typedef {import("../src/request-layouts.js").FieldLayout} FieldLayout */
/** @typedef {import("../src/request-layouts.js").WireTypeName} WireTypeName */
/** @typedef {import("@bufbuild/protobuf").DescMessage} DescMessage */
/** @typedef {import("@bufbuild/protobuf").DescField} DescField */
/** @typedef {import("@bufbuild/protobuf").DescFile} DescFile */

/**
 * The layouts of the requests of every service in `files`, and of every message reachable from
 * them (recursive types included, each once).
 * @param {readonly DescFile[]} files
 * @returns {RequestLayouts}
 */
export function requestLayoutsOf(files) {
  /** @type {Record<string, string>} */
  const methods = {};
  /** @type {Record<string, FieldLayout[]>} */
  const messages = {};
  for (const service of files.flatMap((file) => file.services))
    for (const method of service.methods) {
      methods[`/${service.typeName}/${method.name}`] = method.input.typeName;
      addMessage(method.input, messages);
    }
  return { methods, messages };
}

/**
 * @param {DescMessage} message
 * @param {Record<string, FieldLayout[]>} messages
 */
function addMessage(message, messages) {
  if (Object.hasOwn(messages, message.typeName)) return;
  /** @type {FieldLayout[]} */
  const fields = [];
  messages[message.typeName] = fields;
  for (const field of message.fields) fields.push(fieldLayout(field, messages));
}

/**
 * @param {DescField} field
 * @param {Record<string, FieldLayout[]>} messages
 * @returns {FieldLayout}
 */
function fieldLayout(field, messages) {
  const name = `${field.parent.typeName}.${field.name}`;
  const { number } = field;
  switch (field.fieldKind) {
    case "scalar":
      return scalar(number, name, field.scalar, false);
    case "enum":
      return { number, name, wireTypes: ["VARINT"], utf8: false };
    case "message":
      addMessage(field.message, messages);
      return embedded(number, name, field.delimitedEncoding, field.message.typeName);
    case "list":
      switch (field.listKind) {
        case "scalar":
          return scalar(number, name, field.scalar, true);
        case "enum":
          // Repeated numbers may come packed (LEN) or one by one, and parsers accept both.
          return { number, name, wireTypes: ["VARINT", "LEN"], utf8: false };
        case "message":
          addMessage(field.message, messages);
          return embedded(number, name, field.delimitedEncoding, field.message.typeName);
      }
      break;
    case "map": {
      // A map is a repeated entry message { key = 1; value = 2; } (protobuf.dev, "Maps").
      const entry = `${name}.entry`;
      /** @type {FieldLayout} */
      let value;
      switch (field.mapKind) {
        case "scalar":
          value = scalar(2, `${name}.value`, field.scalar, false);
          break;
        case "enum":
          value = { number: 2, name: `${name}.value`, wireTypes: ["VARINT"], utf8: false };
          break;
        case "message":
          addMessage(field.message, messages);
          value = embedded(2, `${name}.value`, false, field.message.typeName);
          break;
      }
      messages[entry] = [scalar(1, `${name}.key`, field.mapKey, false), value];
      return embedded(number, name, false, entry);
    }
  }
}

/**
 * @param {number} number
 * @param {string} name
 * @param {ScalarType} type
 * @param {boolean} repeated
 * @returns {FieldLayout}
 */
function scalar(number, name, type, repeated) {
  const wireType = scalarWireType(type);
  const packable = repeated && wireType !== "LEN";
  return {
    number,
    name,
    wireTypes: packable ? [wireType, "LEN"] : [wireType],
    utf8: type === ScalarType.STRING,
  };
}

/**
 * @param {number} number
 * @param {string} name
 * @param {boolean} delimited
 * @param {string} message
 * @returns {FieldLayout}
 */
function embedded(number, name, delimited, message) {
  return { number, name, wireTypes: [delimited ? "SGROUP" : "LEN"], utf8: false, message };
}

/**
 * @param {ScalarType} type
 * @returns {WireTypeName}
 */
function scalarWireType(type) {
  switch (type) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return "LEN";
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return "I64";
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return "I32";
    default:
      return "VARINT";
  }
}

/**
 * The generated module: the layouts as a typed constant, one field per line.
 * @param {RequestLayouts} layouts
 * @param {readonly string[]} sources
 */
export function renderRequestLayouts(layouts, sources) {
  const q = (/** @type {string} */ text) => JSON.stringify(text);
  const field = (/** @type {FieldLayout} */ { number, name, wireTypes, utf8, message }) =>
    `      { number: ${number}, name: ${q(name)}, wireTypes: [${wireTypes.map(q).join(", ")}], utf8: ${utf8}${message === undefined ? "" : `, message: ${q(message)}`} },`;
  return [
    "// Code generated by protoc-gen-request-layouts (packages/contracts/scripts). DO NOT EDIT.",
    `// sources: ${sources.join(", ")}`,
    "",
    'import type { RequestLayouts } from "../request-layouts.js";',
    "",
    "export const requestLayouts: RequestLayouts = {",
    "  methods: {",
    ...Object.entries(layouts.methods).map(([path, type]) => `    ${q(path)}: ${q(type)},`),
    "  },",
    "  messages: {",
    ...Object.entries(layouts.messages).flatMap(([type, fields]) =>
      fields.length === 0
        ? [`    ${q(type)}: [],`]
        : [`    ${q(type)}: [`, ...fields.map(field), "    ],"],
    ),
    "  },",
    "};",
    "",
  ].join("\n");
}

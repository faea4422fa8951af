import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";

/** Protobuf wire types (protobuf.dev/programming-guides/encoding, "Message Structure"). */
export const WireType = {
  VARINT: 0,
  I64: 1,
  LEN: 2,
  SGROUP: 3,
  EGROUP: 4,
  I32: 5,
} as const;

/** How one field of a message is read from the wire, and what is checked in it. */
export interface FieldPlan {
  /** Full name, e.g. `chat.v1.PostMessage.text`, as error messages name it. */
  readonly name: string;
  /** Bit `1 << wireType` is set for each wire type the field's declared type allows. */
  readonly wireTypes: number;
  /** True for a `string` field (or map key or value): its bytes must be UTF-8. */
  readonly utf8: boolean;
  /** For a message field (or map entry): how to read the embedded message. */
  readonly message: MessagePlan | undefined;
}

/** How a message type is walked on the wire, computed once per type. */
export interface MessagePlan {
  readonly typeName: string;
  /** Declared fields by number; other numbers are unknown fields, skipped. */
  readonly fields: ReadonlyMap<number, FieldPlan>;
  /** True when a string field is reachable from this type, through any nesting. */
  readonly hasStrings: boolean;
}

interface MutablePlan {
  readonly typeName: string;
  readonly fields: Map<number, FieldPlan>;
  hasStrings: boolean;
}

/** A plan with no declared field: unknown groups are walked with it. */
export const UNKNOWN_MESSAGE: MessagePlan = {
  typeName: "(unknown group)",
  fields: new Map(),
  hasStrings: false,
};

/**
 * Builds the wire plan of `message` and of every type reachable from it. Recursive types are
 * handled: each type is planned once per call.
 */
export function planMessage(message: DescMessage): MessagePlan {
  const plans = new Map<string, MutablePlan>();
  const root = plan(message, plans);
  const withStrings = typesReachingStrings(plans);
  for (const [typeName, each] of plans) each.hasStrings = withStrings.has(typeName);
  return root;
}

function plan(message: DescMessage, plans: Map<string, MutablePlan>): MutablePlan {
  const known = plans.get(message.typeName);
  if (known !== undefined) return known;
  const result: MutablePlan = { typeName: message.typeName, fields: new Map(), hasStrings: false };
  plans.set(message.typeName, result);
  for (const field of message.fields) result.fields.set(field.number, planField(field, plans));
  return result;
}

function planField(field: DescField, plans: Map<string, MutablePlan>): FieldPlan {
  const name = `${field.parent.typeName}.${field.name}`;
  switch (field.fieldKind) {
    case "scalar":
      return leaf(name, bit(scalarWireType(field.scalar)), field.scalar === ScalarType.STRING);
    case "enum":
      return leaf(name, bit(WireType.VARINT), false);
    case "message":
      return nested(name, field.delimitedEncoding, plan(field.message, plans));
    case "list":
      switch (field.listKind) {
        case "scalar":
          // Repeated numbers may come packed (LEN) or one by one, and parsers accept both.
          return leaf(
            name,
            bit(scalarWireType(field.scalar)) | bit(WireType.LEN),
            field.scalar === ScalarType.STRING,
          );
        case "enum":
          return leaf(name, bit(WireType.VARINT) | bit(WireType.LEN), false);
        case "message":
          return nested(name, field.delimitedEncoding, plan(field.message, plans));
      }
      break;
    case "map": {
      // A map is a repeated entry message { key = 1; value = 2; } (protobuf.dev, "Maps").
      const entry: MutablePlan = {
        typeName: `${name}.entry`,
        fields: new Map(),
        hasStrings: false,
      };
      plans.set(entry.typeName, entry);
      entry.fields.set(
        1,
        leaf(`${name}.key`, bit(scalarWireType(field.mapKey)), field.mapKey === ScalarType.STRING),
      );
      entry.fields.set(2, mapValue(field, `${name}.value`, plans));
      return nested(name, false, entry);
    }
  }
}

function mapValue(
  field: DescField & { fieldKind: "map" },
  name: string,
  plans: Map<string, MutablePlan>,
): FieldPlan {
  switch (field.mapKind) {
    case "scalar":
      return leaf(name, bit(scalarWireType(field.scalar)), field.scalar === ScalarType.STRING);
    case "enum":
      return leaf(name, bit(WireType.VARINT), false);
    case "message":
      return nested(name, false, plan(field.message, plans));
  }
}

function leaf(name: string, wireTypes: number, utf8: boolean): FieldPlan {
  return { name, wireTypes, utf8, message: undefined };
}

function nested(name: string, delimited: boolean, message: MessagePlan): FieldPlan {
  return {
    name,
    wireTypes: bit(delimited ? WireType.SGROUP : WireType.LEN),
    utf8: false,
    message,
  };
}

function bit(wireType: number): number {
  return 1 << wireType;
}

function scalarWireType(scalar: ScalarType): number {
  switch (scalar) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return WireType.LEN;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return WireType.I64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return WireType.I32;
    default:
      return WireType.VARINT;
  }
}

// A fixed point rather than one depth-first pass, so that cycles (a message holding itself)
// cannot leave a type marked string-free before the search through it has finished.
function typesReachingStrings(plans: ReadonlyMap<string, MutablePlan>): Set<string> {
  const found = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const [typeName, each] of plans) {
      if (found.has(typeName)) continue;
      for (const field of each.fields.values()) {
        if (field.utf8 || (field.message !== undefined && found.has(field.message.typeName))) {
          found.add(typeName);
          grew = true;
          break;
        }
      }
    }
  }
  return found;
}

import type { FieldLayout, RequestLayouts, WireTypeName } from "@fibchat/contracts";

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

const WIRE_TYPE_BITS: Readonly<Record<WireTypeName, number>> = {
  VARINT: 1 << WireType.VARINT,
  I64: 1 << WireType.I64,
  LEN: 1 << WireType.LEN,
  SGROUP: 1 << WireType.SGROUP,
  I32: 1 << WireType.I32,
};

/**
 * The wire plan of every message in `layouts` (generated with the contracts), by type name, each
 * field's embedded message linked to its plan. Recursive types link to themselves.
 */
export function planMessages(layouts: RequestLayouts): ReadonlyMap<string, MessagePlan> {
  const plans = new Map<string, MutablePlan>();
  for (const typeName of Object.keys(layouts.messages))
    plans.set(typeName, { typeName, fields: new Map(), hasStrings: false });
  for (const [typeName, fields] of Object.entries(layouts.messages)) {
    const plan = plans.get(typeName);
    for (const field of fields) plan?.fields.set(field.number, planField(field, plans));
  }
  const withStrings = typesReachingStrings(plans);
  for (const [typeName, each] of plans) each.hasStrings = withStrings.has(typeName);
  return plans;
}

function planField(field: FieldLayout, plans: ReadonlyMap<string, MutablePlan>): FieldPlan {
  let message: MessagePlan | undefined;
  if (field.message !== undefined) {
    message = plans.get(field.message);
    if (message === undefined)
      throw new Error(`the layout of ${field.name} names ${field.message}, which has none`);
  }
  const wireTypes = field.wireTypes.reduce((bits, name) => bits | WIRE_TYPE_BITS[name], 0);
  return { name: field.name, wireTypes, utf8: field.utf8, message };
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

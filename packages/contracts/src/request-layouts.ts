/**
 * How the request messages of this package's services are laid out on the wire: for each field
 * its number, the wire types its declared type allows, whether it holds UTF-8 text, and the
 * message it embeds. Generated from the protos (`gen/request-layouts.ts`) so that a server can
 * check requests (strict UTF-8, well-formedness) without loading protobuf reflection at start.
 */
export interface RequestLayouts {
  /** Request message type by method path, e.g. `/chat.v1.ChatService/GetMessages`. */
  readonly methods: Readonly<Record<string, string>>;
  /** The fields of every message reachable from a request, by full type name. */
  readonly messages: Readonly<Record<string, readonly FieldLayout[]>>;
}

/** Protobuf wire types by name (protobuf.dev/programming-guides/encoding). */
export type WireTypeName = "VARINT" | "I64" | "LEN" | "SGROUP" | "I32";

/** One declared field of a message, or the key or value of a map entry. */
export interface FieldLayout {
  readonly number: number;
  /** Full name, e.g. `chat.v1.PostMessage.text`; a map's entry is `<map field>.entry`. */
  readonly name: string;
  /** Every wire type a parser accepts for the field: repeated numbers may come packed or not. */
  readonly wireTypes: readonly WireTypeName[];
  /** True for a `string` field, map key or map value: its bytes must be UTF-8. */
  readonly utf8: boolean;
  /** For a message field, group or map: the type name of what it embeds, in `messages`. */
  readonly message?: string;
}

/**
 * Builders of raw protobuf wire bytes, for tests that send what no protobuf library would
 * encode: invalid UTF-8 in a string field, malformed tags, truncated messages.
 */
export const wire = {
  /** A base-128 varint. */
  varint(value: number): number[] {
    const bytes: number[] = [];
    let rest = value;
    while (rest >= 0x80) {
      bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
    return bytes;
  },
  /** The tag of field `fieldNumber` with `wireType`. */
  tag(fieldNumber: number, wireType: number): number[] {
    return wire.varint(fieldNumber * 8 + wireType);
  },
  /** A length-delimited field: a string (encoded as UTF-8), raw bytes, or an embedded message. */
  len(fieldNumber: number, content: string | readonly number[]): number[] {
    const bytes = typeof content === "string" ? [...Buffer.from(content, "utf8")] : [...content];
    return [...wire.tag(fieldNumber, 2), ...wire.varint(bytes.length), ...bytes];
  },
  /** A varint field. */
  uint(fieldNumber: number, value: number): number[] {
    return [...wire.tag(fieldNumber, 0), ...wire.varint(value)];
  },
};

/**
 * Byte sequences that are not UTF-8 (RFC 3629), each as a test names it: a broken two-byte
 * sequence, a byte that never occurs, overlong encodings, an encoded UTF-16 surrogate and a
 * sequence cut short.
 */
export const INVALID_UTF8: readonly { readonly name: string; readonly bytes: readonly number[] }[] =
  [
    { name: "C3 28 (broken 2-byte sequence)", bytes: [0x61, 0xc3, 0x28] },
    { name: "lone FF", bytes: [0xff] },
    { name: "overlong C0 AF", bytes: [0xc0, 0xaf] },
    { name: "overlong E0 80 AF", bytes: [0xe0, 0x80, 0xaf] },
    { name: "surrogate ED A0 80", bytes: [0xed, 0xa0, 0x80] },
    { name: "cut short E2 82", bytes: [0x68, 0x69, 0xe2, 0x82] },
  ];

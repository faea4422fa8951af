import type { AppendInput, AppendResult, StoredMessage } from "../message-store.js";

// The event loop and the writer thread exchange appends in a compact form: structured clone
// copies a flat array of strings and typed arrays much more cheaply than one object per append
// with a `Date` and a `bigint` in it (postMessage was 4–8 % of both threads' samples).

/** Fields of an append, in the order {@link encodeInputs} lays them out. */
const FIELDS = 4;

/** What a transaction did, per append, as the writer thread sends it back. */
export interface EncodedResults {
  /** The stored message's id, or the original's for a duplicate. */
  readonly ids: BigInt64Array;
  /** When it was stored, in ms since the epoch. */
  readonly sentAtMs: Float64Array;
  /** The duplicates' originals, by index: their text and time are not the append's. */
  readonly duplicates: readonly { readonly index: number; readonly message: StoredMessage }[];
}

/** `inputs` as one flat array of strings. */
export function encodeInputs(inputs: readonly AppendInput[]): string[] {
  const fields: string[] = [];
  for (const { room, author, text, clientMessageId } of inputs) {
    fields.push(room, author, text, clientMessageId);
  }
  return fields;
}

/** The inputs {@link encodeInputs} laid out in `fields`. */
export function decodeInputs(fields: readonly string[]): AppendInput[] {
  const inputs: AppendInput[] = [];
  for (let at = 0; at + FIELDS <= fields.length; at += FIELDS) {
    const [room = "", author = "", text = "", clientMessageId = ""] = fields.slice(at, at + FIELDS);
    inputs.push({ room, author, text, clientMessageId });
  }
  return inputs;
}

/** The number of appends in `fields`. */
export function inputCount(fields: readonly string[]): number {
  return Math.floor(fields.length / FIELDS);
}

/** `results` in the compact form. */
export function encodeResults(results: readonly AppendResult[]): EncodedResults {
  const ids = new BigInt64Array(results.length);
  const sentAtMs = new Float64Array(results.length);
  const duplicates: { index: number; message: StoredMessage }[] = [];
  for (const [index, { message, duplicate }] of results.entries()) {
    ids[index] = message.id;
    sentAtMs[index] = message.sentAt.getTime();
    if (duplicate) duplicates.push({ index, message });
  }
  return { ids, sentAtMs, duplicates };
}

/**
 * The results of `inputs`, which start at `offset` in `encoded`: a stored message is rebuilt
 * from its input, a duplicate is its original.
 */
export function decodeResults(
  inputs: readonly AppendInput[],
  encoded: EncodedResults,
  offset: number,
): AppendResult[] {
  const duplicates = new Map(encoded.duplicates.map(({ index, message }) => [index, message]));
  return inputs.map(({ room, author, text, clientMessageId }, at) => {
    const index = offset + at;
    const original = duplicates.get(index);
    if (original !== undefined) return { message: original, duplicate: true };
    const id = encoded.ids[index];
    const sentAtMs = encoded.sentAtMs[index];
    if (id === undefined || sentAtMs === undefined) {
      throw new Error(`the SQLite writer answered no result for append ${index}`);
    }
    const sentAt = new Date(sentAtMs);
    return { message: { room, id, author, text, sentAt, clientMessageId }, duplicate: false };
  });
}

import { StreamSequenceResponse } from "@fibchat/contracts/fibonacci/v1";
import { describe, expect, it } from "vitest";
import { referenceSequence } from "../test-support/start-fibonacci.js";
import { DecimalPair } from "./decimal-pair.js";
import { encodedSequence } from "./encoded-sequence.js";

const reference = referenceSequence(20_002);

describe("encodedSequence", () => {
  it.each([
    [0, 3],
    [0, 100],
    // F(93) is the last below 2^64 and F(94) the first above.
    [90, 10],
    [9_990, 12],
    [19_000, 1_000],
  ])("from %i, %i numbers: the reference values, in order", (start, count) => {
    const terms = [...encodedSequence(start, count)];
    expect(terms.map((t) => t.index)).toEqual(Array.from({ length: count }, (_, i) => start + i));
    expect(terms.map((t) => t.value)).toEqual(reference.slice(start, start + count).map(String));
  });

  it("yields nothing for count 0", () => {
    expect([...encodedSequence(5, 0)]).toEqual([]);
  });

  it("computes lazily: nothing runs before the consumer asks", () => {
    const iterator = encodedSequence(0, 1_000_000);
    expect(iterator.next().value?.value).toBe("0");
    iterator.return();
  });

  // Index and digit counts around varint boundaries (127/128, 16383/16384) of the index, the
  // digits' length and the inner message's length.
  it.each([0, 1, 2, 93, 94, 127, 128, 600, 605, 610, 16_383, 16_384, 20_000])(
    "F(%i)'s message is byte for byte what the generated encoder writes",
    (index) => {
      const [term] = encodedSequence(index, 1);
      const generated = StreamSequenceResponse.encode({
        number: { index, value: String(reference[index]) },
      }).finish();
      expect(term?.bytes).toEqual(Buffer.from(generated));
      expect(term && StreamSequenceResponse.decode(term.bytes)).toEqual({ number: term?.number });
    },
  );

  it("a pair continued from its state gives the same numbers", () => {
    const first = new DecimalPair(1_000);
    for (let i = 0; i < 500; i++) first.advance();
    const second = new DecimalPair(first.index, first.state());
    for (let i = 0; i < 500; i++) {
      first.advance();
      second.advance();
    }
    const digits = (pair: DecimalPair) => {
      const view = new DataView(new ArrayBuffer(pair.digits()));
      pair.writeCurrent(view, 0);
      return Buffer.from(view.buffer).toString("latin1");
    };
    expect(digits(second)).toBe(String(reference[2_000]));
    expect(digits(first)).toBe(digits(second));
  });
});

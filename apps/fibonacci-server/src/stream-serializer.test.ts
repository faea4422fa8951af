import { FibonacciServiceService } from "@fibchat/contracts/fibonacci/v1";
import { describe, expect, it } from "vitest";
import { encodedSequence } from "./fibonacci/encoded-sequence.js";
import { encodedFibonacciService } from "./stream-serializer.js";

const ours = encodedFibonacciService.streamSequence.responseSerialize;
const generated = FibonacciServiceService.streamSequence.responseSerialize;

describe("the StreamSequence serializer", () => {
  it("sends an encoded term's bytes, equal to the generated serializer's for the same number", () => {
    for (const term of encodedSequence(0, 3_000)) {
      if (term.index % 7 !== 0 && term.index > 200) continue;
      expect(ours(term)).toEqual(generated({ number: term.number }));
    }
  });

  it("encodes any other response with the generated encoder", () => {
    for (const message of [
      { number: undefined },
      { number: { index: 0, value: "" } },
      { number: { index: 5, value: "5" } },
    ])
      expect(ours(message)).toEqual(generated(message));
  });

  it("changes nothing else of the service definition", () => {
    const { streamSequence, ...rest } = encodedFibonacciService;
    const { streamSequence: original, ...originalRest } = FibonacciServiceService;
    expect(rest).toEqual(originalRest);
    expect({ ...streamSequence, responseSerialize: undefined }).toEqual({
      ...original,
      responseSerialize: undefined,
    });
  });
});

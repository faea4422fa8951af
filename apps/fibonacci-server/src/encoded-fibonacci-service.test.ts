import { FibonacciServiceService } from "@fibchat/contracts/fibonacci/v1";
import { describe, expect, it } from "vitest";
import { encodedFibonacciService } from "./encoded-fibonacci-service.js";
import { encodedSequence, encodeSequenceResponse } from "./fibonacci/encoded-sequence.js";
import { EncodedSequenceResponse } from "./fibonacci/encoded-sequence-response.js";
import { maxGetSequenceResponseBytes } from "./fibonacci/response-size.js";

const ours = encodedFibonacciService.streamSequence.responseSerialize;
const generated = FibonacciServiceService.streamSequence.responseSerialize;

describe("the GetSequence serializer", () => {
  const ours = encodedFibonacciService.getSequence.responseSerialize;
  const generated = FibonacciServiceService.getSequence.responseSerialize;

  it.each([
    [0, 0],
    [0, 1],
    [0, 20],
    [90, 10],
    [127, 3],
    [16_380, 8],
  ])(
    "sends the encoded response from %i, %i numbers: the generated encoder's bytes",
    (start, count) => {
      const bound = maxGetSequenceResponseBytes(start, count);
      const response = new EncodedSequenceResponse(encodeSequenceResponse(start, count, bound));
      const numbers = [...encodedSequence(start, count)].map((term) => term.number);
      expect(ours(response)).toEqual(generated({ numbers }));
      expect(response.numbers).toEqual(numbers);
    },
  );

  it("encodes any other response with the generated encoder", () => {
    const message = { numbers: [{ index: 5, value: "5" }] };
    expect(ours(message)).toEqual(generated(message));
  });
});

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
    const { streamSequence, getSequence, ...rest } = encodedFibonacciService;
    const {
      streamSequence: originalStream,
      getSequence: originalGet,
      ...originalRest
    } = FibonacciServiceService;
    expect(rest).toEqual(originalRest);
    for (const [method, original] of [
      [streamSequence, originalStream],
      [getSequence, originalGet],
    ] as const)
      expect({ ...method, responseSerialize: undefined }).toEqual({
        ...original,
        responseSerialize: undefined,
      });
  });
});

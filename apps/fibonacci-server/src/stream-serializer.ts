import { FibonacciServiceService } from "@fibchat/contracts/fibonacci/v1";
import { EncodedTerm } from "./fibonacci/encoded-term.js";

/**
 * The generated `FibonacciServiceService` with one change: `StreamSequence` responses that are
 * already encoded ({@link EncodedTerm}, what the service streams) are sent as their bytes; any
 * other response goes through the generated encoder. The wire format is the contract's, byte for
 * byte (stream-serializer.test.ts); what it saves is a string per number and two copies of it.
 */
export const encodedFibonacciService: typeof FibonacciServiceService = {
  ...FibonacciServiceService,
  streamSequence: {
    ...FibonacciServiceService.streamSequence,
    responseSerialize: (message) =>
      message instanceof EncodedTerm
        ? message.bytes
        : FibonacciServiceService.streamSequence.responseSerialize(message),
  },
};

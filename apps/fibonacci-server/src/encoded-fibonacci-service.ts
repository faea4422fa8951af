import { FibonacciServiceService } from "@fibchat/contracts/fibonacci/v1";
import { EncodedSequenceResponse } from "./fibonacci/encoded-sequence-response.js";
import { EncodedTerm } from "./fibonacci/encoded-term.js";

/**
 * The generated `FibonacciServiceService` with one change: responses that are already encoded
 * (an {@link EncodedSequenceResponse} from `GetSequence`, an {@link EncodedTerm} from
 * `StreamSequence`: what the service returns) are sent as their bytes; any other response goes
 * through the generated encoder. The wire format is the contract's, byte for byte
 * (encoded-fibonacci-service.test.ts); what it saves is a string per number and two copies of it.
 */
export const encodedFibonacciService: typeof FibonacciServiceService = {
  ...FibonacciServiceService,
  getSequence: {
    ...FibonacciServiceService.getSequence,
    responseSerialize: (message) =>
      message instanceof EncodedSequenceResponse
        ? message.bytes
        : FibonacciServiceService.getSequence.responseSerialize(message),
  },
  streamSequence: {
    ...FibonacciServiceService.streamSequence,
    responseSerialize: (message) =>
      message instanceof EncodedTerm
        ? message.bytes
        : FibonacciServiceService.streamSequence.responseSerialize(message),
  },
};

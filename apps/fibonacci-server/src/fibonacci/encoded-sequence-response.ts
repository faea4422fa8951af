import { type FibonacciNumber, GetSequenceResponse } from "@fibchat/contracts/fibonacci/v1";

/**
 * One `GetSequenceResponse` already in protobuf bytes. Its `numbers` are decoded from those bytes
 * only when read (tests, in-process callers); the service's serializer
 * (`encoded-fibonacci-service.ts`) sends `bytes` as they are.
 *
 * A `GetSequenceResponse` is its `numbers` one after another, each as field 1 holding a
 * `FibonacciNumber`: byte for byte what a run of encoded `StreamSequenceResponse`s is, whose
 * `number` is field 1 too. So the same term writer serves both methods.
 */
export class EncodedSequenceResponse implements GetSequenceResponse {
  /** The encoded `GetSequenceResponse`. */
  readonly bytes: Buffer;

  constructor(bytes: Buffer) {
    this.bytes = bytes;
  }

  /** The message's `numbers`, as the generated decoder gives them. */
  get numbers(): FibonacciNumber[] {
    return GetSequenceResponse.decode(this.bytes).numbers;
  }
}

/**
 * Responses that many calls send as they are (one chat message delivered to every session of a
 * room), encoded once for all of them. A method definition opts in by using {@link serialize} as
 * its `responseSerialize`; handlers mark the responses they share with {@link share}.
 */
export interface SharedResponses<T extends object> {
  /** Marks `response` as shared and returns it: its first serialization is kept and reused. */
  share(response: T): T;
  /**
   * The bytes of `response`: those kept for a shared response once it has been encoded, else
   * what the wrapped encoder makes. Use it as the method's `responseSerialize`.
   */
  readonly serialize: (response: T) => Buffer;
}

/**
 * Creates {@link SharedResponses} over `encode` (the generated `responseSerialize`). The bytes
 * are kept in a `WeakMap` keyed by the response object, so they live exactly as long as the
 * response does; a shared response must not be changed after it is first sent. Sharing the bytes
 * between calls is safe because grpc-js copies each serialized message into a frame of its own
 * (`serializeMessage` in server-interceptors.ts) before sending it.
 */
export function createSharedResponses<T extends object>(
  encode: (response: T) => Buffer,
): SharedResponses<T> {
  const encoded = new WeakMap<T, Buffer | null>();
  return {
    share(response) {
      if (!encoded.has(response)) encoded.set(response, null);
      return response;
    },
    serialize(response) {
      const kept = encoded.get(response);
      if (kept === undefined) return encode(response);
      if (kept !== null) return kept;
      const bytes = encode(response);
      encoded.set(response, bytes);
      return bytes;
    },
  };
}

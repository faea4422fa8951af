import { Client, credentials, type ServiceError } from "@grpc/grpc-js";

const passthrough = (bytes: Buffer): Buffer => bytes;

/** How a raw call ended: the response bytes received, and the error (null for OK). */
export interface RawCallResult {
  readonly responses: readonly Buffer[];
  readonly error: ServiceError | null;
}

/**
 * Calls the unary method at `path` (`/package.Service/Method`) on a plaintext `address` with
 * `request` as the exact bytes of the request message, bypassing every serializer.
 */
export function rawUnary(
  address: string,
  path: string,
  request: readonly number[],
): Promise<RawCallResult> {
  const client = new Client(address, credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      passthrough,
      passthrough,
      Buffer.from(request),
      (error, value) => {
        client.close();
        resolve({ responses: value === undefined ? [] : [value], error });
      },
    );
  });
}

/**
 * Opens a raw call to the streaming method at `path`, sends each of `requests` as the exact
 * bytes of one request message, half-closes, and resolves when the call ends.
 */
export function rawStream(
  address: string,
  path: string,
  requests: readonly (readonly number[])[],
): Promise<RawCallResult> {
  const client = new Client(address, credentials.createInsecure());
  const call = client.makeBidiStreamRequest(path, passthrough, passthrough);
  const responses: Buffer[] = [];
  const result = new Promise<RawCallResult>((resolve) => {
    call.on("data", (response: Buffer) => responses.push(response));
    call.on("error", (error: ServiceError) => resolve({ responses, error }));
    call.on("end", () => resolve({ responses, error: null }));
  });
  for (const request of requests) call.write(Buffer.from(request));
  call.end();
  return result.finally(() => client.close());
}

import { readStream } from "@fibchat/client";
import type {
  CallOptions,
  ClientReadableStream,
  ClientUnaryCall,
  Metadata,
  ServiceError,
} from "@grpc/grpc-js";
import { type Endpoint, rpcFailure } from "./errors.js";

/** How one call is made: where it goes, what stops it, what it carries. */
export interface CallSettings {
  readonly endpoint: Endpoint;
  /** Aborting cancels the call (Ctrl-C, or stdout closed). */
  readonly signal: AbortSignal;
  /** Sent with the call: the bearer token, when there is one. A fresh object per call. */
  readonly metadata: () => Metadata;
  /** The gRPC deadline, counted from the start of the call; none when undefined. */
  readonly timeoutMs: number | undefined;
}

/** Per-call options for grpc-js: the deadline of `settings`, if any. */
export function callOptions(settings: Pick<CallSettings, "timeoutMs">): Partial<CallOptions> {
  return settings.timeoutMs === undefined ? {} : { deadline: Date.now() + settings.timeoutMs };
}

/** The callback every generated unary method takes. */
export type UnaryCallback<Res> = (error: ServiceError | null, response: Res) => void;

/**
 * Makes one unary call and resolves with its response. `invoke` calls the generated method
 * with the metadata, options and callback it is given. A failure rejects with the `CliError`
 * that explains it; aborting `settings.signal` cancels the call.
 */
export async function unaryCall<Res>(
  settings: CallSettings,
  invoke: (
    metadata: Metadata,
    options: Partial<CallOptions>,
    callback: UnaryCallback<Res>,
  ) => ClientUnaryCall,
): Promise<Res> {
  settings.signal.throwIfAborted();
  return new Promise<Res>((resolve, reject) => {
    const call = invoke(settings.metadata(), callOptions(settings), (error, response) => {
      settings.signal.removeEventListener("abort", cancel);
      if (error === null) resolve(response);
      else reject(rpcFailure(error, settings.endpoint));
    });
    const cancel = () => call.cancel();
    settings.signal.addEventListener("abort", cancel, { once: true });
  });
}

/**
 * Opens a server-streaming call and yields its messages in order, reading no further ahead than
 * the consumer (so a slow stdout slows the server down instead of filling memory). Ends when the
 * server ends the call with OK; throws the explaining `CliError` when it fails. Leaving the loop
 * early, or aborting `settings.signal`, cancels the call.
 */
export async function* serverStream<Res extends object>(
  settings: CallSettings,
  open: (metadata: Metadata, options: Partial<CallOptions>) => ClientReadableStream<Res>,
): AsyncGenerator<Res, void, undefined> {
  settings.signal.throwIfAborted();
  const call = open(settings.metadata(), callOptions(settings));
  const cancel = () => call.cancel();
  settings.signal.addEventListener("abort", cancel, { once: true });
  try {
    yield* readStream(call);
  } catch (error) {
    throw rpcFailure(error, settings.endpoint);
  } finally {
    settings.signal.removeEventListener("abort", cancel);
    // A no-op once the call has ended; otherwise the consumer stopped early and the server
    // should stop computing (fibonacci.proto: "stops as soon as the client cancels").
    call.cancel();
  }
}

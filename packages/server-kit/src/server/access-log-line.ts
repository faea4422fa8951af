import { status } from "@grpc/grpc-js";

/** What the access log says of one finished call. */
export interface FinishedCall {
  /** The full method path, `/package.Service/Method`. */
  readonly method: string;
  readonly code: status;
  readonly durationMs: number;
  readonly peer: string;
  /** The identified user, in the identity modes. */
  readonly subject: string | undefined;
  /** The call's OpenTelemetry span, when it has one. */
  readonly span: { readonly traceId: string; readonly spanId: string } | undefined;
}

/** The access line's `msg`, as a JSON string literal. */
export const RPC_FINISHED = JSON.stringify("rpc finished");

/**
 * The fields of a call's access-log line, each followed by a comma (see `JsonLineWriter`): what
 * pino writes for `{ method, code, durationMs, peer, subject?, trace_id?, span_id? }`, formatted
 * here because the line is written for every call. Strings from outside go through
 * `JSON.stringify`, which writes a lone surrogate as `\ud800` where pino writes it raw (and the
 * UTF-8 encoding then replaces it). A code grpc-js has no name for is written as its number,
 * where pino would have left the field out.
 */
export function accessLogFields({
  method,
  code,
  durationMs,
  peer,
  subject,
  span,
}: FinishedCall): string {
  let fields = `"method":${JSON.stringify(method)},"code":"${status[code] ?? code}","durationMs":${durationMs},"peer":${JSON.stringify(peer)},`;
  if (subject !== undefined) fields += `"subject":${JSON.stringify(subject)},`;
  if (span !== undefined) {
    fields += `"trace_id":${JSON.stringify(span.traceId)},"span_id":${JSON.stringify(span.spanId)},`;
  }
  return fields;
}

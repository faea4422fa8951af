import { status } from "@grpc/grpc-js";
import pino, { type DestinationStream } from "pino";
import { describe, expect, it } from "vitest";
import { accessLogFields, type FinishedCall, RPC_FINISHED } from "./access-log-line.js";
import { jsonLineWriterOf } from "./json-line-writer.js";
import { createLogger } from "./logger.js";

/** A destination keeping the raw lines written to it. */
function recording(): DestinationStream & { readonly lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (line: string) => void lines.push(line) };
}

/** Each line parsed (as `unknown`: the assertions say what it holds). */
const parsed = (lines: readonly string[]): unknown[] => lines.map((line) => JSON.parse(line));

/** The line with its time replaced, the one part of two lines written apart that differs. */
const timeless = (line: string | undefined) => line?.replace(/"time":\d+,/, '"time":0,');

/** The object the access log used to hand pino for `call`. */
function asPinoFields({ method, code, durationMs, peer, subject, span }: FinishedCall) {
  return {
    method,
    code: status[code],
    durationMs,
    peer,
    ...(subject !== undefined && { subject }),
    ...(span !== undefined && { trace_id: span.traceId, span_id: span.spanId }),
  };
}

const call: FinishedCall = {
  method: "/fibonacci.v1.FibonacciService/GetSequence",
  code: status.OK,
  durationMs: 0.125,
  peer: "ipv6:[::1]:50312",
  subject: undefined,
  span: undefined,
};
// Texts pino escapes by hand (short, quotes and backslashes only) and with JSON.stringify (long,
// or holding control characters), and characters JSON leaves as they are.
const subjects = [
  'alice "the admin" \\ x',
  `${"a".repeat(120)}"\\`,
  "tab\there, newline\nthere",
  "ü 中 \u2028 \u2029 😀",
];
const span = { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7" };
const calls: FinishedCall[] = [
  call,
  { ...call, code: status.PERMISSION_DENIED, durationMs: 12, subject: subjects[0] },
  ...subjects.map((subject) => ({ ...call, code: status.CANCELLED, subject, span })),
  { ...call, method: '/odd"path\\', peer: "unix:/tmp/a\tb", span },
];

describe("the access-log line", () => {
  it.each(calls)("is, for a logger of createLogger, the line pino writes: %j", (finished) => {
    const destination = recording();
    const log = createLogger({ name: "fibchat-test", level: "info", destination });
    log.info(asPinoFields(finished), "rpc finished");
    jsonLineWriterOf(log).info(accessLogFields(finished), RPC_FINISHED);
    const [byPino, byWriter] = destination.lines;
    expect(byWriter).toMatch(/^\{"level":30,"time":\d+,"pid":\d+,"name":"fibchat-test",/);
    expect(timeless(byWriter)).toBe(timeless(byPino));
  });

  it("stays valid JSON where pino's would not: a lone surrogate, an unnamed code", () => {
    const destination = recording();
    const log = createLogger({ name: "fibchat-test", level: "info", destination });
    // A status a handler may send that grpc-js has no name for (not a literal of the enum).
    const unnamed: status = Number.parseInt("17", 10);
    const odd: FinishedCall = { ...call, code: unnamed, subject: "lone \ud800 surrogate" };
    jsonLineWriterOf(log).info(accessLogFields(odd), RPC_FINISHED);
    expect(destination.lines[0]).toContain('"subject":"lone \\ud800 surrogate"');
    expect(parsed(destination.lines)).toMatchObject([
      { code: "17", subject: "lone \ud800 surrogate" },
    ]);
  });

  it("is not written when the logger's level is above info, then or later", () => {
    const destination = recording();
    const log = createLogger({ name: "fibchat-test", level: "warn", destination });
    const writer = jsonLineWriterOf(log);
    writer.info(accessLogFields(call), '"dropped"');
    log.level = "info";
    writer.info(accessLogFields(call), '"kept"');
    log.level = "error";
    writer.info(accessLogFields(call), '"dropped"');
    expect(destination.lines).toHaveLength(1);
    expect(destination.lines[0]).toContain('"msg":"kept"}');
  });

  it("goes through pino for a logger made elsewhere, and for a stream that routes by level", () => {
    const elsewhere = recording();
    const foreign = pino({ name: "elsewhere", base: { host: "h" } }, elsewhere);
    const info = recording();
    const errors = recording();
    const routed = createLogger({
      name: "routed",
      level: "info",
      destination: pino.multistream([
        { level: "info", stream: info },
        { level: "error", stream: errors },
      ]),
    });
    const finished = { ...call, subject: subjects[0], span };
    for (const log of [foreign, routed]) {
      // An error first: a line written beside pino would be routed as one.
      log.error("before");
      jsonLineWriterOf(log).info(accessLogFields(finished), RPC_FINISHED);
    }
    const expected = { level: 30, ...asPinoFields(finished), msg: "rpc finished" };
    expect(parsed(elsewhere.lines)).toMatchObject([{ msg: "before" }, { host: "h", ...expected }]);
    expect(parsed(info.lines)).toMatchObject([{ msg: "before" }, expected]);
    expect(info.lines).toHaveLength(2);
    expect(parsed(errors.lines)).toMatchObject([{ msg: "before" }]);
    expect(errors.lines).toHaveLength(1);
  });
});

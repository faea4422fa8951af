import pino, { type DestinationStream } from "pino";
import { describe, expect, it } from "vitest";
import { jsonLineWriterOf } from "./json-line-writer.js";
import { createLogger } from "./logger.js";

/** A destination keeping the raw lines written to it. */
function recording(): DestinationStream & { readonly lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (line: string) => void lines.push(line) };
}

/** The line with its time replaced, the one part of two lines written apart that differs. */
const timeless = (line: string | undefined) => line?.replace(/"time":\d+,/, '"time":0,');

const fields = {
  method: "/fibonacci.v1.FibonacciService/GetSequence",
  code: "OK",
  durationMs: 0.125,
  peer: "ipv6:[::1]:50312",
  subject: 'alice "the admin" \\ ü\n',
};
const formatted =
  '"method":"/fibonacci.v1.FibonacciService/GetSequence","code":"OK","durationMs":0.125,' +
  '"peer":"ipv6:[::1]:50312","subject":"alice \\"the admin\\" \\\\ ü\\n",';

describe("jsonLineWriterOf", () => {
  it("writes, for a logger of createLogger, the line pino writes for the same fields", () => {
    const destination = recording();
    const log = createLogger({ name: "fibchat-test", level: "info", destination });
    log.info(fields, "rpc finished");
    jsonLineWriterOf(log).info(formatted, JSON.stringify("rpc finished"));
    const [byPino, byWriter] = destination.lines;
    expect(byWriter).toMatch(/^\{"level":30,"time":\d+,"pid":\d+,"name":"fibchat-test",/);
    expect(timeless(byWriter)).toBe(timeless(byPino));
  });

  it("writes nothing when the logger's level is above info, then or later", () => {
    const destination = recording();
    const log = createLogger({ name: "fibchat-test", level: "warn", destination });
    const writer = jsonLineWriterOf(log);
    writer.info(formatted, '"dropped"');
    log.level = "info";
    writer.info(formatted, '"kept"');
    log.level = "error";
    writer.info(formatted, '"dropped"');
    expect(destination.lines).toHaveLength(1);
    expect(destination.lines[0]).toContain('"msg":"kept"}');
  });

  it("logs the same fields through pino for a logger made elsewhere", () => {
    const destination = recording();
    const log = pino({ name: "elsewhere", base: { host: "h" } }, destination);
    jsonLineWriterOf(log).info(formatted, JSON.stringify("rpc finished"));
    const [line] = destination.lines;
    expect(line).toBeDefined();
    expect(JSON.parse(line ?? "")).toMatchObject({
      level: 30,
      host: "h",
      name: "elsewhere",
      ...fields,
      msg: "rpc finished",
    });
  });
});

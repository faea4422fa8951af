import { describe, expect, it } from "vitest";
import { connectionPlan } from "./connection-plan.js";
import { expectedNumbers, unaryResponseBytes } from "./expected-responses.js";
import { parseH2loadLog, parseH2loadOutput } from "./h2load.js";

// The tail of a real `h2load -D3 --warm-up-time 1` run against the fibonacci server.
const OUTPUT = `Stopped all clients for thread #0

finished in 4.00s, 14373.33 req/s, 2.75MB/s
requests: 43120 total, 43120 started, 43120 done, 43120 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 43112 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 8.26MB (8665868) total, 252.35KB (258404) headers (space savings 96.40%), 8.22MB (8618536) data
                     min         max         mean         sd        +/- sd
time for request:      408us     23.22ms      1.09ms      1.18ms    94.80%
`;

describe("parseH2loadOutput", () => {
  it("reads the request counts, DATA bytes and elapsed time", () => {
    expect(parseH2loadOutput(OUTPUT)).toEqual({
      done: 43120,
      succeeded: 43120,
      failed: 0,
      errored: 0,
      timeout: 0,
      dataBytes: 8618536,
      seconds: 4,
    });
  });

  it("reads an elapsed time in milliseconds", () => {
    expect(parseH2loadOutput(OUTPUT.replace("4.00s", "812.5ms")).seconds).toBe(0.8125);
  });

  it("throws on output it does not understand, quoting it", () => {
    expect(() => parseH2loadOutput("connect: Connection refused")).toThrow(/refused/);
  });
});

describe("parseH2loadLog", () => {
  it("turns µs durations into ms and skips failed requests and blank lines", () => {
    const log =
      "1795215724960328\t200\t902\n1795215724960329\t-1\t5\n1795215724960329\t0\t1500\n\n";
    expect(parseH2loadLog(log)).toEqual([0.902, 1.5]);
  });
});

describe("expected answers", () => {
  it("are F(start) … F(start + count − 1)", () => {
    expect(expectedNumbers({ start: 10, count: 3 })).toEqual([
      { index: 10, value: "55" },
      { index: 11, value: "89" },
      { index: 12, value: "144" },
    ]);
  });

  it("GetSequence(count = 20) is 167 bytes of DATA, as h2load counted per call", () => {
    expect(unaryResponseBytes({ start: 0, count: 20 })).toBe(167);
  });
});

describe("connectionPlan", () => {
  it.each([
    [1, { connections: 1, callsPerConnection: 1 }],
    [16, { connections: 4, callsPerConnection: 4 }],
    [64, { connections: 4, callsPerConnection: 16 }],
    [6, { connections: 4, callsPerConnection: 2 }],
  ])("%d in flight → %j", (concurrency, plan) => {
    expect(connectionPlan(concurrency)).toEqual(plan);
  });
});

import { describe, expect, it } from "vitest";
import { originOf, summarizeProfile } from "./cpu-profile.js";

const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });

describe("summarizeProfile", () => {
  it("adds up self time per function and per origin, largest first", () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: frame("(idle)", "") },
        { id: 2, callFrame: frame("write", "file:///x/node_modules/@grpc/grpc-js/build/a.js") },
        {
          id: 3,
          callFrame: frame("post", "file:///work/apps/chat-server/dist/post.js"),
          children: [2],
        },
      ],
      samples: [2, 3, 2, 1, 99],
      timeDeltas: [1000, 2000, 3000, 500, 500],
    };
    const summary = summarizeProfile(profile);
    expect(summary.totalMs).toBe(7);
    expect(summary.origins).toEqual([
      { origin: "@grpc/grpc-js", selfMs: 4 },
      { origin: "fibchat apps/chat-server", selfMs: 2 },
      { origin: "(idle)", selfMs: 0.5 },
    ]);
    expect(summary.functions[0]).toEqual({
      label: "write (build/a.js:10)",
      origin: "@grpc/grpc-js",
      selfMs: 4,
      totalMs: 4,
    });
    // post ran 2 ms itself and called write for 4 ms.
    expect(summary.fibchatFunctions).toEqual([
      {
        label: "post (dist/post.js:10)",
        origin: "fibchat apps/chat-server",
        selfMs: 2,
        totalMs: 6,
      },
    ]);
  });

  it("rejects JSON that is not a CPU profile", () => {
    expect(() => summarizeProfile({ nodes: [] })).toThrow(/not a V8 CPU profile/);
  });
});

describe("originOf", () => {
  it.each([
    ["node:internal/streams/readable", "read", "node: internals"],
    ["file:///r/node_modules/.pnpm/pino@10/node_modules/pino/lib/x.js", "f", "pino"],
    ["", "(garbage collector)", "(garbage collector)"],
    ["", "writev", "(native)"],
  ])("%s → %s", (url, name, origin) => {
    expect(originOf(url, name)).toBe(origin);
  });
});

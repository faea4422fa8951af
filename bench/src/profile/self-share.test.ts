import { describe, expect, it } from "vitest";
import { selfShare } from "./self-share.js";

const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });

describe("selfShare", () => {
  const profile = {
    nodes: [
      { id: 1, callFrame: frame("(idle)", "") },
      { id: 2, callFrame: frame("write", "file:///x/node_modules/@grpc/grpc-js/build/a.js") },
      { id: 3, callFrame: frame("post", "file:///work/apps/chat-server/dist/post.js") },
      { id: 4, callFrame: frame("(garbage collector)", "") },
    ],
    samples: [2, 3, 2, 1, 4],
    timeDeltas: [1000, 2000, 3000, 5000, 2000],
  };

  it("divides the matching functions' self time by all busy time, idle left out", () => {
    // Busy: 1 + 2 + 3 + 2 (GC) ms; grpc-js: 4 ms.
    expect(selfShare(profile, (url) => url.includes("grpc-js"))).toBeCloseTo(0.5);
    expect(selfShare(profile, (url) => url.includes("chat-server"))).toBeCloseTo(0.25);
    expect(selfShare(profile, (_url, name) => name === "(garbage collector)")).toBeCloseTo(0.25);
    expect(selfShare(profile, () => false)).toBe(0);
  });

  it("rejects what is not a CPU profile", () => {
    expect(() => selfShare({ nodes: [] }, () => true)).toThrow(/not a V8 CPU profile/);
  });
});

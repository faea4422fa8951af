import { ConfigError } from "@fibchat/server-kit";
import { describe, expect, it } from "vitest";
import { parseClusterUrl } from "./store/redis-cluster-url.js";
import { describeStoreLocation, parseStoreLocation } from "./store-location.js";

describe("parseStoreLocation: Redis Cluster", () => {
  it.each([
    ["redis-cluster://127.0.0.1:7101", [{ host: "127.0.0.1", port: 7101 }], false],
    [
      "redis-cluster://a:7101,b:7102, c:7103",
      [
        { host: "a", port: 7101 },
        { host: "b", port: 7102 },
        { host: "c", port: 7103 },
      ],
      false,
    ],
    ["rediss-cluster://[::1]:7101/", [{ host: "::1", port: 7101 }], true],
  ])("reads %s", (url, nodes, tls) => {
    expect(parseStoreLocation(url)).toEqual({ kind: "redis-cluster", url });
    expect(parseClusterUrl(url)).toEqual({ nodes, tls });
  });

  it("reads credentials, and leaves them out when it names the store", () => {
    const url = "redis-cluster://fib:s%40cret@127.0.0.1:7101,127.0.0.1:7102";
    expect(parseClusterUrl(url)).toMatchObject({ username: "fib", password: "s@cret" });
    expect(parseClusterUrl("redis-cluster://:pw@h:1")).toEqual({
      nodes: [{ host: "h", port: 1 }],
      tls: false,
      password: "pw",
    });
    expect(describeStoreLocation(parseStoreLocation(url))).toBe(
      "redis-cluster://127.0.0.1:7101,127.0.0.1:7102",
    );
  });

  it.each([
    "redis-cluster://",
    "redis-cluster://host",
    "redis-cluster://host:0",
    "redis-cluster://host:70000",
    "redis-cluster://a:1,,b:2",
    "redis-cluster://a:1/0",
  ])("refuses %s with a ConfigError", (url) => {
    expect(() => parseStoreLocation(url)).toThrow(ConfigError);
  });
});

import { describe, expect, it } from "vitest";
import { ConfigError } from "./option.js";
import { parseCommandLine } from "./parse-config.js";
import { serverOptions } from "./server-options.js";

const table = serverOptions("TEST", 50051);

function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const parsed = parseCommandLine(table, argv, env);
  if (parsed.kind !== "run") throw new Error(`expected a config, got ${parsed.kind}`);
  return parsed.config;
}

describe("parseCommandLine", () => {
  it("uses the defaults with no flags and no environment", () => {
    const config = run([]);
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 50051,
      reflection: true,
      shutdownGraceMs: 10_000,
    });
  });

  it("reads flags before environment variables before defaults", () => {
    expect(run(["--port", "7"], { TEST_PORT: "8" }).port).toBe(7);
    expect(run([], { TEST_PORT: "8" }).port).toBe(8);
    expect(run(["--port=0"]).port).toBe(0);
  });

  it.each([
    [["--no-reflection"], {}, false],
    [["--reflection"], { TEST_REFLECTION: "false" }, true],
    [[], { TEST_REFLECTION: "off" }, false],
  ])("switch %j with env %j gives %s", (argv, env, expected) => {
    expect(run(argv, env).reflection).toBe(expected);
  });

  it.each([
    ["--shutdown-grace", "1500ms", "shutdownGraceMs", 1500],
    ["--shutdown-grace", "2m", "shutdownGraceMs", 120_000],
    ["--max-receive-message-size", "64KiB", "maxReceiveMessageBytes", 65_536],
    ["--max-send-message-size", "1000000", "maxSendMessageBytes", 1_000_000],
  ] as const)("%s %s → %s = %i", (flag, value, key, expected) => {
    expect(run([flag, value])[key]).toBe(expected);
  });

  it.each([
    [["--port", "65536"], "invalid --port"],
    [["--port", "eighty"], "invalid --port"],
    [["--log-level", "loud"], "invalid --log-level"],
    [["--shutdown-grace", "soon"], "invalid --shutdown-grace"],
    [["--max-receive-message-size", "0"], "invalid --max-receive-message-size"],
    [["--bogus"], "--help"],
    [["stray"], "--help"],
  ])("%j fails with a message naming %s", (argv, fragment) => {
    expect(() => run(argv)).toThrow(ConfigError);
    expect(() => run(argv)).toThrow(fragment);
  });

  it("names the environment variable a bad value came from", () => {
    expect(() => run([], { TEST_PORT: "-1" })).toThrow("invalid TEST_PORT");
  });

  it("asks for help and version", () => {
    expect(parseCommandLine(table, ["--help"], {}).kind).toBe("help");
    expect(parseCommandLine(table, ["--version"], {}).kind).toBe("version");
  });
});

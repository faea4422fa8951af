import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./test-support/cli-process.js";
import { type ServerProcess, startServer } from "./test-support/server-process.js";

// Round-robin over a target URI is @fibchat/client's (client-options.test.ts there); this checks
// the CLI passes such a target through.
describe("a target URI listing two fibonacci servers", () => {
  let servers: ServerProcess[];
  let target: string;

  beforeAll(async () => {
    servers = await Promise.all([startServer("fibonacci"), startServer("fibonacci")]);
    target = `ipv4:${servers.map((server) => server.address).join(",")}`;
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  it("works from the command line", async () => {
    expect(
      await runCli(["--fib-address", target, "fib", "get", "2", "--start", "10"]),
    ).toMatchObject({
      code: 0,
      stdout: "10 55\n11 89\n",
      stderr: "",
    });
  });
});

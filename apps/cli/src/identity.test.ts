import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestCertificates } from "@fibchat/server-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./test-support/cli-process.js";
import { entryPoint } from "./test-support/paths.js";
import { type ServerProcess, startServer } from "./test-support/server-process.js";
import { startTmux } from "./test-support/tmux.js";

describe("signed-in users (servers started with --auth-jwt-secret-file)", () => {
  const dir = mkdtempSync(join(tmpdir(), "fibchat-cli-jwt-"));
  const secretFile = join(dir, "jwt-secret");
  writeFileSync(secretFile, "a-secret-of-at-least-32-bytes-for-hs256-tests\n");
  let fibonacci: ServerProcess;
  let chat: ServerProcess;
  const cli = (args: string[], input?: string) =>
    runCli(["--fib-address", fibonacci.address, "--chat-address", chat.address, ...args], {
      ...(input !== undefined && { input }),
    });
  const mint = async (...args: string[]) => {
    const result = await runCli(["token", "--secret-file", secretFile, ...args]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    return result.stdout.trim();
  };

  beforeAll(async () => {
    [fibonacci, chat] = await Promise.all([
      startServer("fibonacci", ["--auth-jwt-secret-file", secretFile]),
      startServer("chat", ["--auth-jwt-secret-file", secretFile]),
    ]);
  });
  afterAll(async () => {
    await Promise.all([fibonacci?.stop(), chat?.stop()]);
  });

  it("fibchat token mints a JWT the servers accept", async () => {
    const token = await mint("--sub", "alice", "--scope", "fibonacci.read", "--ttl", "5m");
    expect(token.split(".")).toHaveLength(3);
    expect(await cli(["--token", token, "fib", "get", "2"])).toMatchObject({
      code: 0,
      stdout: "0 0\n1 1\n",
    });
    const denied = await cli(["--token", token, "chat", "stats"]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^fibchat: PERMISSION_DENIED: .*needs the chat\.read scope/);
  });

  it("chat send without --name posts as the signed-in user", async () => {
    const token = await mint("--sub", "alice");
    const sent = await cli(["--token", token, "--json", "chat", "send", "--room", "id", "hi"]);
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ author: "alice", text: "hi" });
    const impostor = await cli([
      "--token",
      token,
      "chat",
      "send",
      "--room",
      "id",
      "--name",
      "bob",
      "x",
    ]);
    expect(impostor).toMatchObject({ code: 1, stdout: "" });
    expect(impostor.stderr).toMatch(
      /^fibchat: PERMISSION_DENIED: you are signed in as alice; author must be empty or alice/,
    );
  });

  it("piped chat without --name posts every line as the signed-in user", async () => {
    const token = await mint("--sub", "bot-7", "--scope", "chat.read chat.write");
    const piped = await cli(["--token", token, "chat", "--room", "pipe-id"], "one\ntwo\n");
    expect(piped).toMatchObject({ code: 0, stdout: "1\n2\n", stderr: "" });
    const read = await cli(["--token", token, "--json", "chat", "read", "--room", "pipe-id"]);
    const authors = read.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line).author);
    expect(authors).toEqual(["bot-7", "bot-7"]);
  });

  it("the interactive chat without --name shows and uses the signed-in user", async () => {
    const token = await mint("--sub", "carol");
    const terminal = await startTmux([
      process.execPath,
      entryPoint("cli"),
      "--chat-address",
      chat.address,
      "--token",
      token,
      "chat",
      "--room",
      "tty-id",
    ]);
    try {
      const screen = await terminal.waitForScreen("the prompt", (text) => text.endsWith("carol>"));
      expect(screen).toContain("joined #tty-id as carol");
      await terminal.sendKeys("typed as carol", "Enter");
      await terminal.waitForScreen("the acknowledged message", (text) =>
        /\d\d:\d\d:\d\d carol: typed as carol\ncarol>$/.test(text),
      );
    } finally {
      await terminal.kill();
    }
  });

  it("a tampered token fails with UNAUTHENTICATED and says so", async () => {
    const token = await mint("--sub", "alice");
    // The same header and signature over an empty claim set.
    const [header, , signature] = token.split(".");
    const result = await cli(["--token", `${header}.e30.${signature}`, "fib", "get", "1"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^fibchat: UNAUTHENTICATED: token signature does not verify/);
  });

  it("fibchat token refuses a short secret with exit 2", async () => {
    const short = join(dir, "short");
    writeFileSync(short, "too short\n");
    const result = await runCli(["token", "--secret-file", short, "--sub", "a"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/holds 9 bytes; an HS256 secret needs at least 32/);
  });
});

describe("--name defaults to the user the credentials name, on any server", () => {
  const certificates = createTestCertificates();
  const dir = mkdtempSync(join(tmpdir(), "fibchat-cli-names-"));
  const secretFile = join(dir, "jwt-secret");
  writeFileSync(secretFile, "another-secret-of-at-least-32-bytes-for-tests\n");
  let plain: ServerProcess;
  let mtls: ServerProcess;
  let certIdentity: ServerProcess;
  const tls = ["--tls-cert", certificates.serverCert, "--tls-key", certificates.serverKey];
  beforeAll(async () => {
    [plain, mtls, certIdentity] = await Promise.all([
      startServer("chat"),
      startServer("chat", [...tls, "--tls-client-ca", certificates.caCert]),
      startServer("chat", [
        ...tls,
        "--tls-client-ca",
        certificates.caCert,
        "--auth-from-client-cert",
      ]),
    ]);
  });
  afterAll(async () => {
    await Promise.all([plain?.stop(), mtls?.stop(), certIdentity?.stop()]);
  });
  const authorOf = (stdout: string): unknown => JSON.parse(stdout).author;

  it("a JWT's sub, also on a server that identifies no one", async () => {
    const token = (
      await runCli(["token", "--secret-file", secretFile, "--sub", "jules"])
    ).stdout.trim();
    const sent = await runCli([
      "--chat-address",
      plain.address,
      "--token",
      token,
      "--json",
      "chat",
      "send",
      "hi",
    ]);
    expect(sent).toMatchObject({ code: 0, stderr: "" });
    expect(authorOf(sent.stdout)).toBe("jules");
  });

  it("a client certificate's CN, on a plain mTLS server and on one that binds it", async () => {
    const kim = certificates.issueClient("kim");
    for (const server of [mtls, certIdentity]) {
      const sent = await runCli([
        "--chat-address",
        server.address,
        "--ca",
        certificates.caCert,
        "--cert",
        kim.cert,
        "--key",
        kim.key,
        "--json",
        "chat",
        "send",
        "hello",
      ]);
      expect(sent).toMatchObject({ code: 0, stderr: "" });
      expect(authorOf(sent.stdout)).toBe("kim");
    }
  });
});

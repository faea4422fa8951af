import { rmSync } from "node:fs";
import { createTestCertificates, type TestCertificates } from "@fibchat/server-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./test-support/cli-process.js";
import { type ServerProcess, startServer } from "./test-support/server-process.js";

describe("TLS and mTLS (a fibonacci server that requires client certificates)", () => {
  let certificates: TestCertificates;
  let server: ServerProcess;
  const fib = (...args: string[]) => runCli(["--fib-address", server.address, ...args]);

  beforeAll(async () => {
    certificates = createTestCertificates();
    server = await startServer("fibonacci", [
      "--tls-cert",
      certificates.serverCert,
      "--tls-key",
      certificates.serverKey,
      "--tls-client-ca",
      certificates.caCert,
    ]);
  });
  afterAll(async () => {
    await server?.stop();
    if (certificates) rmSync(certificates.dir, { recursive: true, force: true });
  });

  it("works with --ca, --cert and --key", async () => {
    const { caCert: ca, clientCert, clientKey } = certificates;
    const mtls = ["--ca", ca, "--cert", clientCert, "--key", clientKey];
    expect(await fib(...mtls, "fib", "get", "3")).toMatchObject({
      code: 0,
      stdout: "0 0\n1 1\n2 1\n",
      stderr: "",
    });
    expect(await fib(...mtls, "health", "--service", "fibonacci")).toMatchObject({ code: 0 });
  });

  it.each([
    ["plaintext", []],
    ["TLS without a client certificate", ["--tls", "--ca", "ca"]],
    ["TLS verified against the system roots", ["--tls"]],
  ])("fails with exit 1 and a one-line reason over %s", async (_, flags) => {
    const args = flags.map((flag) => (flag === "ca" ? certificates.caCert : flag));
    const result = await fib(...args, "fib", "get", "3");
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toMatch(/^fibchat: UNAVAILABLE: .*\n$/);
  });
});

import { HealthCheckResponse_ServingStatus, HealthClient } from "@fibchat/contracts/grpc/health/v1";
import { credentials, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../test-support/start-app.js";
import { createTestCertificates } from "../testing/certificates.js";

// grpc-js 1.14.7 passes a target's IP address as the TLS `servername`. RFC 6066 allows host names
// only there; Node warns (DEP0123) before 26 and throws from 26 on, so no TLS call to an IP could
// be made. patches/@grpc__grpc-js@1.14.7.patch sends no server name for an IP: these tests fail
// without it on every Node line (the warning), and prove verification against the IP stays on.
const certs = createTestCertificates();
const tls = {
  tlsCert: certs.serverCert,
  tlsKey: certs.serverKey,
};
const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
process.on("warning", onWarning);
afterAll(() => {
  process.off("warning", onWarning);
});

function check(target: string): Promise<HealthCheckResponse_ServingStatus> {
  const client = new HealthClient(target, credentials.createSsl(certs.read(certs.caCert)));
  const deadline = Date.now() + 10_000;
  return new Promise((resolve, reject) =>
    client.check({ service: "" }, new Metadata(), { deadline }, (error, response) => {
      client.close();
      if (error) reject(error);
      else resolve(response.status);
    }),
  );
}

describe("a grpc-js client over TLS to an IP address", () => {
  let started: TestApp | undefined;
  afterEach(async () => {
    await started?.app.shutdown();
    started = undefined;
  });

  it("connects, verifying the certificate's IP SAN, with no server name sent", async () => {
    started = await startApp(() => {}, tls);
    expect(started.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(await check(started.address)).toBe(HealthCheckResponse_ServingStatus.SERVING);
    expect(warnings.map((w) => w.message)).not.toContainEqual(expect.stringMatching(/ServerName/));
  });

  it("refuses a certificate that does not name the IP", async () => {
    // The test certificate names 127.0.0.1 (and localhost); 127.0.0.2 is loopback too.
    started = await startApp(() => {}, { ...tls, host: "127.0.0.2" });
    await expect(check(started.address)).rejects.toMatchObject({
      code: status.UNAVAILABLE,
      details: expect.stringMatching(/IP: 127\.0\.0\.2 is not in the cert's list/),
    } satisfies Partial<Record<keyof ServiceError, unknown>>);
  });
});

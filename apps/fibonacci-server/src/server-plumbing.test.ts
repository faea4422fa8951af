import { rmSync } from "node:fs";
import { HealthCheckResponse_ServingStatus, HealthClient } from "@fibchat/contracts/grpc/health/v1";
import {
  ServerReflectionClient,
  type ServerReflectionResponse,
} from "@fibchat/contracts/grpc/reflection/v1";
import { createTestCertificates, type TestCertificates } from "@fibchat/server-kit/testing";
import {
  type ChannelCredentials,
  Client,
  credentials,
  Metadata,
  type ServiceError,
  status,
} from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  type FibonacciFixture,
  failure,
  getSequence,
  startFibonacci,
} from "./test-support/start-fibonacci.js";

function check(address: string, service: string, creds = credentials.createInsecure()) {
  const client = new HealthClient(address, creds);
  return new Promise<HealthCheckResponse_ServingStatus>((resolve, reject) => {
    client.check({ service }, (error, response) => {
      client.close();
      if (error) reject(error);
      else resolve(response.status);
    });
  });
}

describe("health and reflection", () => {
  let server: FibonacciFixture;
  beforeAll(async () => {
    server = await startFibonacci();
  });
  afterAll(() => server.stop());

  it.each(["", "fibonacci.v1.FibonacciService"])("health reports %j SERVING", async (service) => {
    expect(await check(server.address, service)).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });

  it("health answers NOT_FOUND for a service this server does not serve", async () => {
    const error = await failure(check(server.address, "chat.v1.ChatService"));
    expect(error.code).toBe(status.NOT_FOUND);
  });

  it("reflection lists exactly the services served", async () => {
    const client = new ServerReflectionClient(server.address, credentials.createInsecure());
    const call = client.serverReflectionInfo();
    const response = new Promise<ServerReflectionResponse>((resolve, reject) => {
      call.on("data", resolve).on("error", reject);
    });
    call.write({ host: "", messageRequest: { $case: "listServices", value: "" } });
    const { messageResponse } = await response;
    call.end();
    client.close();
    if (messageResponse?.$case !== "listServicesResponse")
      throw new Error(`unexpected ${messageResponse?.$case}`);
    expect(messageResponse.value.service.map((s) => s.name).sort()).toEqual([
      "fibonacci.v1.FibonacciService",
      "grpc.health.v1.Health",
    ]);
  });

  it("a frame that is not a valid request gets an error status, and the server keeps serving", async () => {
    const raw = new Client(server.address, credentials.createInsecure());
    // Field 1 as a length-delimited value claiming 100 bytes that never come.
    const garbage = Buffer.from([0x0a, 0x64, 0x01]);
    const error = await new Promise<ServiceError | null>((resolve) =>
      raw.makeUnaryRequest(
        "/fibonacci.v1.FibonacciService/GetSequence",
        (value: Buffer) => value,
        (value: Buffer) => value,
        garbage,
        (err) => resolve(err),
      ),
    );
    raw.close();
    expect(error?.code).toBeDefined();
    expect(error?.code).not.toBe(status.OK);
    expect(await getSequence(server.client, { start: 10, count: 1 })).toEqual({
      numbers: [{ index: 10, value: "55" }],
    });
  });
});

describe("TLS, mTLS and token auth", () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = createTestCertificates();
  });
  afterAll(() => rmSync(certs.dir, { recursive: true, force: true }));

  const tlsClient = (withClientCert: boolean): ChannelCredentials =>
    withClientCert
      ? credentials.createSsl(
          certs.read(certs.caCert),
          certs.read(certs.clientKey),
          certs.read(certs.clientCert),
        )
      : credentials.createSsl(certs.read(certs.caCert));

  it("TLS: a client trusting the CA is served; a plaintext client is not", async () => {
    const server = await startFibonacci(
      { tlsCert: certs.serverCert, tlsKey: certs.serverKey },
      tlsClient(false),
    );
    try {
      expect((await getSequence(server.client, { start: 3, count: 1 })).numbers).toEqual([
        { index: 3, value: "2" },
      ]);
      const error = await failure(check(server.address, ""));
      expect(error.code).toBe(status.UNAVAILABLE);
    } finally {
      await server.stop();
    }
  });

  it("mTLS: a client certificate signed by --tls-client-ca is required", async () => {
    const config = {
      tlsCert: certs.serverCert,
      tlsKey: certs.serverKey,
      tlsClientCa: certs.caCert,
    };
    const server = await startFibonacci(config, tlsClient(true));
    try {
      expect((await getSequence(server.client, { start: 4, count: 1 })).numbers).toEqual([
        { index: 4, value: "3" },
      ]);
      const error = await failure(check(server.address, "", tlsClient(false)));
      expect(error.code).toBe(status.UNAVAILABLE);
    } finally {
      await server.stop();
    }
  });

  it("token: the right bearer token is served, a missing or wrong one is refused and logged without it", async () => {
    const server = await startFibonacci({ authToken: "s3cret-token" });
    const call = (token?: string) => {
      const metadata = new Metadata();
      if (token !== undefined) metadata.set("authorization", `Bearer ${token}`);
      return new Promise((resolve, reject) =>
        server.client.getSequence({ start: 5, count: 1 }, metadata, (error, response) =>
          error ? reject(error) : resolve(response),
        ),
      );
    };
    try {
      expect(await call("s3cret-token")).toEqual({ numbers: [{ index: 5, value: "5" }] });
      for (const token of [undefined, "wrong"]) {
        const error = await failure(call(token));
        expect(error.code).toBe(status.UNAUTHENTICATED);
        expect(error.details).toMatch(/Bearer/);
      }
      expect(await check(server.address, "fibonacci.v1.FibonacciService")).toBe(
        HealthCheckResponse_ServingStatus.SERVING,
      );
      const refusals = server.logs
        .lines()
        .filter((line) => line.msg === "call refused: not authenticated");
      expect(refusals).toHaveLength(2);
      expect(JSON.stringify(server.logs.lines())).not.toContain("s3cret-token");
      const finished = server.logs
        .lines()
        .filter((line) => line.msg === "rpc finished" && line.code === "UNAUTHENTICATED");
      expect(finished).toHaveLength(2);
    } finally {
      await server.stop();
    }
  });
});

import { HealthCheckResponse_ServingStatus, HealthClient } from "@fibchat/contracts/grpc/health/v1";
import { afterEach, describe, expect, it } from "vitest";
import { insecure, startApp, type TestApp } from "../test-support/start-app.js";

const { SERVING, NOT_SERVING } = HealthCheckResponse_ServingStatus;

function checkHealth(address: string): Promise<HealthCheckResponse_ServingStatus> {
  const client = new HealthClient(address, insecure);
  return new Promise((resolve, reject) =>
    client.check({ service: "" }, (error, response) => {
      client.close();
      if (error) reject(error);
      else resolve(response.status);
    }),
  );
}

describe("createServerApp health", () => {
  let started: TestApp | undefined;
  afterEach(async () => {
    await started?.app.shutdown();
    started = undefined;
  });

  it("turns SERVING at listen, and follows setServing after", async () => {
    started = await startApp(() => {});
    expect(await checkHealth(started.address)).toBe(SERVING);
    started.app.setServing(false);
    expect(await checkHealth(started.address)).toBe(NOT_SERVING);
    started.app.setServing(true);
    expect(await checkHealth(started.address)).toBe(SERVING);
  });

  it("keeps a setServing(false) made before listen", async () => {
    // A backing store can go away between being opened and the server binding its port.
    started = await startApp((app) => app.setServing(false));
    expect(await checkHealth(started.address)).toBe(NOT_SERVING);
    started.app.setServing(true);
    expect(await checkHealth(started.address)).toBe(SERVING);
  });
});

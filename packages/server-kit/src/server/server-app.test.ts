import { FibonacciServiceService } from "@fibchat/contracts/fibonacci/v1";
import {
  type HealthCheckResponse,
  HealthCheckResponse_ServingStatus,
  HealthClient,
} from "@fibchat/contracts/grpc/health/v1";
import { type ServiceError, status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { insecure, startApp, type TestApp } from "../test-support/start-app.js";

const { SERVING, NOT_SERVING, SERVICE_UNKNOWN } = HealthCheckResponse_ServingStatus;

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

  it("answers Check for each service, NOT_FOUND naming the known ones for others, and List", async () => {
    started = await startApp((app) => app.addService(FibonacciServiceService, {}));
    const client = new HealthClient(started.address, insecure);
    const check = (service: string) =>
      new Promise<HealthCheckResponse | ServiceError>((resolve) =>
        client.check({ service }, (error, response) => resolve(error ?? response)),
      );
    expect(await check("fibonacci.v1.FibonacciService")).toEqual({ status: SERVING });
    const unknown = await check("nope.v1.Nope");
    expect(unknown).toMatchObject({ code: status.NOT_FOUND });
    expect("details" in unknown && unknown.details).toMatch(
      /"nope\.v1\.Nope".*"", "fibonacci\.v1\.FibonacciService"/,
    );
    const listed = await new Promise((resolve, reject) =>
      client.list({}, (error, response) => (error ? reject(error) : resolve(response))),
    );
    expect(listed).toEqual({
      statuses: { "": { status: SERVING }, "fibonacci.v1.FibonacciService": { status: SERVING } },
    });
    client.close();
  });

  it("streams each change of a service's status to Watch, and SERVICE_UNKNOWN for an unknown one", async () => {
    started = await startApp(() => {});
    const app = started.app;
    const client = new HealthClient(started.address, insecure);
    const watch = client.watch({ service: "" });
    const seen: HealthCheckResponse_ServingStatus[] = [];
    const next = () =>
      new Promise<void>((resolve) =>
        watch.once("data", (r: HealthCheckResponse) => resolve(void seen.push(r.status))),
      );
    await next();
    app.setServing(false);
    await next();
    // Setting the same status again is not a change: nothing is sent for it.
    app.setServing(false);
    app.setServing(true);
    await next();
    expect(seen).toEqual([SERVING, NOT_SERVING, SERVING]);
    watch.on("error", () => {}).cancel();
    const unknown = client.watch({ service: "nope.v1.Nope" });
    const first = await new Promise<HealthCheckResponse>((resolve) =>
      unknown.once("data", resolve),
    );
    expect(first.status).toBe(SERVICE_UNKNOWN);
    unknown.on("error", () => {}).cancel();
    client.close();
  });
});

import type { SpawnedServer } from "@fibchat/server-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHealthClient } from "./health-client.js";
import { killProcess, startFibonacciProcess } from "./test-support/fibonacci-process.js";

describe("createHealthClient against the real server", () => {
  let server: SpawnedServer;
  beforeAll(async () => {
    server = await startFibonacciProcess();
  });
  afterAll(() => killProcess(server));

  it("reports SERVING for the server and its service; NOT_FOUND for an unknown one", async () => {
    const health = createHealthClient(server.address);
    try {
      expect(await health.check()).toBe("SERVING");
      expect(await health.check("fibonacci.v1.FibonacciService")).toBe("SERVING");
      await expect(health.check("no.such.Service")).rejects.toMatchObject({ code: "NOT_FOUND" });
    } finally {
      health.close();
    }
  });
});

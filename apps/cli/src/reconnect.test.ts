import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { CliError, ExitCode } from "./errors.js";
import { createReconnector } from "./reconnect.js";

function failure(code: status, details: string): CliError {
  const cause: ServiceError = Object.assign(new Error(details), {
    code,
    details,
    metadata: new Metadata(),
  });
  return new CliError(`${status[code]}: ${details}`, ExitCode.failure, { cause });
}

const refused = failure(status.UNAVAILABLE, "connect ECONNREFUSED 127.0.0.1:50052");
const shuttingDown = failure(status.UNAVAILABLE, "server shutting down; reconnect and resume");

function reconnector(signal = new AbortController().signal) {
  const notes: string[] = [];
  const reconnect = createReconnector({
    policy: { attempts: 2, firstDelayMs: 1 },
    signal,
    onRetry: (attempt, of, reason) => notes.push(`${attempt}/${of} ${reason}`),
  });
  return { reconnect, notes };
}

describe("createReconnector", () => {
  it("gives up at once on a refused connection before the server was ever reached", async () => {
    const { reconnect, notes } = reconnector();
    expect(await reconnect.retry(refused)).toBe(false);
    expect(notes).toEqual([]);
  });

  it("retries UNAVAILABLE from a server that was there, refusals included, up to the policy", async () => {
    const { reconnect, notes } = reconnector();
    expect(await reconnect.retry(shuttingDown)).toBe(true);
    expect(await reconnect.retry(refused)).toBe(true);
    expect(await reconnect.retry(refused)).toBe(false);
    expect(notes).toEqual([
      "1/2 UNAVAILABLE: server shutting down; reconnect and resume",
      "2/2 UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:50052",
    ]);
  });

  it("retries RESOURCE_EXHAUSTED: a reader that fell behind resumes from its last id", async () => {
    const { reconnect } = reconnector();
    expect(await reconnect.retry(failure(status.RESOURCE_EXHAUSTED, "fell behind"))).toBe(true);
  });

  it("starts counting again after progress", async () => {
    const { reconnect } = reconnector();
    reconnect.progressed();
    expect(await reconnect.retry(refused)).toBe(true);
    expect(await reconnect.retry(refused)).toBe(true);
    reconnect.progressed();
    expect(await reconnect.retry(refused)).toBe(true);
  });

  it.each([
    ["CANCELLED", failure(status.CANCELLED, "Cancelled on client")],
    ["PERMISSION_DENIED", failure(status.PERMISSION_DENIED, "no")],
    ["a non-gRPC error", new Error("boom")],
  ])("never retries %s", async (_, error) => {
    const { reconnect } = reconnector();
    reconnect.progressed();
    expect(await reconnect.retry(error)).toBe(false);
  });

  it("stops waiting when the signal aborts", async () => {
    const controller = new AbortController();
    const reconnect = createReconnector({
      policy: { attempts: 5, firstDelayMs: 60_000 },
      signal: controller.signal,
      onRetry: () => controller.abort(),
    });
    expect(await reconnect.retry(shuttingDown)).toBe(false);
  });
});

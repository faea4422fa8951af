import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import type { ChatSession, PostOutcome } from "./chat-session.js";
import { CliError, ExitCode } from "./errors.js";
import { createReconnector } from "./reconnect.js";
import { createReconnectingPoster } from "./reconnecting-poster.js";

function failure(code: status, details: string): CliError {
  const cause: ServiceError = Object.assign(new Error(details), {
    code,
    details,
    metadata: new Metadata(),
  });
  return new CliError(`${status[code]}: ${details}`, ExitCode.failure, { cause });
}

const ack = (id: bigint): PostOutcome => ({
  kind: "ack",
  message: { room: "r", id, author: "a", text: "t", sentAt: undefined },
  duplicate: false,
});

/** A session the test drives: it answers posts when told and ends when told. */
function fakeSession() {
  const posted: string[] = [];
  const answers = new Map<string, (outcome: PostOutcome) => void>();
  let end: { resolve(): void; reject(error: unknown): void } = { resolve() {}, reject() {} };
  const closed = new Promise<void>((resolve, reject) => {
    end = { resolve, reject };
  });
  closed.catch(() => {});
  const session: ChatSession = {
    post: (_text, id) => {
      posted.push(id);
      return new Promise((resolve) => answers.set(id, resolve));
    },
    writable: async () => {},
    end: () => closed,
    cancel: () => end.reject(failure(status.CANCELLED, "Cancelled on client")),
    closed,
  };
  return {
    session,
    posted,
    answer: (id: string, outcome: PostOutcome) => answers.get(id)?.(outcome),
    fail: (error: CliError) => end.reject(error),
    finish: () => end.resolve(),
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("createReconnectingPoster", () => {
  const options = (notes: string[]) =>
    createReconnector({
      policy: { attempts: 2, firstDelayMs: 1 },
      signal: new AbortController().signal,
      onRetry: (attempt, of, reason) => notes.push(`${attempt}/${of} ${reason}`),
    });

  it("fails at once, without rejoining, when the first session fails before any answer", async () => {
    const sessions = [fakeSession()];
    const notes: string[] = [];
    const poster = createReconnectingPoster(
      () => sessions[0]?.session ?? fakeSession().session,
      options(notes),
    );
    const post = poster.post("hi", "1");
    sessions[0]?.fail(failure(status.UNAVAILABLE, "connect ECONNREFUSED"));
    await expect(post).rejects.toThrow(/UNAVAILABLE/);
    await expect(poster.settled).rejects.toThrow(/UNAVAILABLE/);
    expect(notes).toEqual([]);
  });

  it("after an answer, rejoins on UNAVAILABLE and resends only the unanswered posts, in order", async () => {
    const sessions: ReturnType<typeof fakeSession>[] = [];
    const notes: string[] = [];
    const poster = createReconnectingPoster(() => {
      const next = fakeSession();
      sessions.push(next);
      return next.session;
    }, options(notes));
    const first = poster.post("one", "1");
    const second = poster.post("two", "2");
    const third = poster.post("three", "3");
    sessions[0]?.answer("1", ack(1n));
    await expect(first).resolves.toEqual(ack(1n));

    sessions[0]?.fail(failure(status.UNAVAILABLE, "server shutting down"));
    await tick();
    expect(notes).toEqual(["1/2 UNAVAILABLE: server shutting down"]);
    expect(sessions[1]?.posted).toEqual(["2", "3"]);

    sessions[1]?.answer("2", ack(2n));
    sessions[1]?.answer("3", ack(3n));
    await expect(Promise.all([second, third])).resolves.toEqual([ack(2n), ack(3n)]);
    const ended = poster.end();
    sessions[1]?.finish();
    await expect(ended).resolves.toBeUndefined();
  });

  it("gives up after the policy's attempts in a row, and on any status but UNAVAILABLE", async () => {
    const sessions: ReturnType<typeof fakeSession>[] = [];
    const poster = createReconnectingPoster(() => {
      const next = fakeSession();
      sessions.push(next);
      // Every rejoin fails at once.
      if (sessions.length > 1) next.fail(failure(status.UNAVAILABLE, "connect ECONNREFUSED"));
      return next.session;
    }, options([]));
    const answered = poster.post("one", "1");
    const lost = poster.post("two", "2");
    sessions[0]?.answer("1", ack(1n));
    await answered;
    sessions[0]?.fail(failure(status.UNAVAILABLE, "server shutting down"));
    await expect(lost).rejects.toThrow(/ECONNREFUSED/);
    expect(sessions).toHaveLength(3);

    const other = fakeSession();
    const once = createReconnectingPoster(() => other.session, options([]));
    const post = once.post("x", "x");
    other.answer("x", ack(1n));
    await post;
    const next = once.post("y", "y");
    other.fail(failure(status.PERMISSION_DENIED, "no"));
    await expect(next).rejects.toThrow(/PERMISSION_DENIED/);
  });
});

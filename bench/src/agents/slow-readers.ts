import { setTimeout as sleep } from "node:timers/promises";
import type { ChatServiceClient } from "@fibchat/contracts/chat/v1";
import type { FibonacciServiceClient } from "@fibchat/contracts/fibonacci/v1";
import { status } from "@grpc/grpc-js";
import { EMPTY_SUMMARY } from "../stats/percentiles.js";
import { announce, type Flags, readFlags } from "./agent-io.js";
import type { AgentReport } from "./agent-report.js";
import { joinRoom } from "./chat-session.js";
import { chatClient, describeFailure, fibonacciClient, waitForSessions } from "./clients.js";

/** How long stalled readers get, once resumed, to show they are still served. */
const RESUME_GRACE_MS = 10_000;

/**
 * `readers` clients that stop reading: StreamSequence calls (`--kind=fibonacci`) that pause after
 * their first message, or chat sessions (`--kind=chat`) that pause at once while a poster on its
 * own connection posts `rate` messages per second into their room. The agent announces `stalled`,
 * waits `pause-ms`, announces `resumed` and resumes them. Completed = readers served again after
 * the pause; chat readers cut off with RESOURCE_EXHAUSTED are counted as `cutOff`, not failures.
 */
export async function slowReaders(args: readonly string[]): Promise<AgentReport> {
  const flags = readFlags(args);
  return flags.string("kind") === "chat" ? chatReaders(flags) : fibonacciReaders(flags);
}

async function fibonacciReaders(flags: Flags): Promise<AgentReport> {
  const request = { start: 0, count: flags.number("count") };
  const outcome = createOutcome();
  const clients: FibonacciServiceClient[] = [];
  const streams = await Promise.all(
    Array.from({ length: flags.number("readers") }, () => {
      const client = fibonacciClient(flags.string("target"));
      clients.push(client);
      const call = client.streamSequence(request);
      call.on("error", (error) => outcome.fail(error));
      return new Promise<typeof call>((resolve) =>
        call.once("data", () => {
          call.pause();
          resolve(call);
        }),
      );
    }),
  );
  announce("stalled");
  await sleep(flags.number("pause-ms"));
  announce("resumed");
  await Promise.all(
    streams.map(async (call) => {
      const next = new Promise<boolean>((resolve) => call.once("data", () => resolve(true)));
      call.resume();
      if (await Promise.race([next, sleep(RESUME_GRACE_MS, false)])) outcome.served();
    }),
  );
  outcome.close();
  for (const call of streams) call.cancel();
  for (const client of clients) client.close();
  return outcome.report();
}

async function chatReaders(flags: Flags): Promise<AgentReport> {
  const target = flags.string("target");
  const room = flags.string("room");
  const readers = flags.number("readers");
  const outcome = createOutcome();
  const clients: ChatServiceClient[] = [];
  const received: number[] = [];
  const ended: Promise<void>[] = [];
  const sessions = Array.from({ length: readers }, (_, index) => {
    const client = chatClient(target);
    clients.push(client);
    received.push(0);
    const session = joinRoom(client, room, `slow-${index}`, {
      onMessage: () => {
        received[index] = (received[index] ?? 0) + 1;
      },
      onError: (error) =>
        "code" in error && error.code === status.RESOURCE_EXHAUSTED
          ? outcome.cutOff()
          : outcome.fail(error),
    });
    session.call.pause();
    ended.push(new Promise((resolve) => session.call.on("status", () => resolve())));
    return session;
  });
  const posterClient = chatClient(target);
  await waitForSessions(posterClient, room, readers);
  announce("stalled");
  const posted = await post(posterClient, room, flags);
  announce("resumed");
  const before = [...received];
  for (const session of sessions) session.call.resume();
  await Promise.race([Promise.all(ended), sleep(RESUME_GRACE_MS)]);
  received.forEach((count, index) => {
    if (count > (before[index] ?? 0)) outcome.served();
  });
  outcome.close();
  for (const session of sessions) session.call.cancel();
  for (const client of [...clients, posterClient]) client.close();
  return outcome.report({ posted });
}

/** Posts `rate` messages per second of `text-bytes` for `pause-ms`; returns how many. */
async function post(client: ChatServiceClient, room: string, flags: Flags): Promise<number> {
  const rate = flags.number("rate");
  const text = "y".repeat(flags.number("text-bytes"));
  const poster = joinRoom(client, room, "poster", {});
  const startedAt = performance.now();
  const end = startedAt + flags.number("pause-ms");
  let sent = 0;
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - startedAt) * rate) / 1000);
    for (; sent < due; sent++) poster.post(text, String(sent));
    await sleep(5);
  }
  await poster.end();
  return sent;
}

function createOutcome() {
  let served = 0;
  let cutOff = 0;
  let failures = 0;
  let firstFailure = "";
  // After close, the cancellations the agent makes itself are not failures.
  let closed = false;
  return {
    served() {
      served++;
    },
    cutOff() {
      if (!closed) cutOff++;
    },
    close() {
      closed = true;
    },
    fail(error: Error) {
      if (closed) return;
      failures++;
      firstFailure ||= describeFailure(error);
    },
    report: (counters: Record<string, number> = {}): AgentReport => ({
      completed: served,
      seconds: 0,
      failures,
      firstFailure,
      latency: EMPTY_SUMMARY,
      counters: { ...counters, cutOff },
    }),
  };
}

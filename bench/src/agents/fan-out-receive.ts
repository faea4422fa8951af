import { status } from "@grpc/grpc-js";
import { createLatencyRecorder } from "../stats/latency-recorder.js";
import { announce, readFlags, wallClockMs } from "./agent-io.js";
import type { AgentReport } from "./agent-report.js";
import { chatClient, waitForSessions } from "./clients.js";
import { openWireSession } from "./wire-chat-session.js";

/**
 * The receiving side of fan-out: `sessions` sessions join `room`, each on its own connection
 * (plain HTTP/2, see `openWireSession`); once the server counts them all the agent announces
 * `ready`. Each message's text is the wall
 * clock at which the poster sent it, so latency = receipt − send across processes. Ends when
 * every session has `expect` messages or was cut off, or after `timeout-ms`. Reports its own CPU
 * use from `ready` to the end as `cpuPercent` (% of one core).
 */
export async function fanOutReceive(args: readonly string[]): Promise<AgentReport> {
  const flags = readFlags(args);
  const target = flags.string("target");
  const room = flags.string("room");
  const sessions = flags.number("sessions");
  const expect = flags.number("expect");
  const latency = createLatencyRecorder(sessions * expect);
  let cutOff = 0;
  let complete = 0;
  let failures = 0;
  let firstFailure = "";
  let settled = 0;
  let finished = false;
  let allSettled = () => {};
  const done = new Promise<void>((resolve) => {
    allSettled = resolve;
  });
  const settle = () => {
    if (++settled === sessions) allSettled();
  };

  const joined = Array.from({ length: sessions }, (_, index) => {
    let received = 0;
    let over = false;
    return openWireSession(target, room, `reader-${index}`, {
      onMessage(text) {
        const sentAt = Number(text);
        if (over || !Number.isFinite(sentAt)) return;
        latency.record(wallClockMs() - sentAt);
        if (++received === expect) {
          over = true;
          complete++;
          settle();
        }
      },
      onEnd(code, details) {
        // Closing the sessions left at the end is not a failure of theirs.
        if (over || finished) return;
        over = true;
        if (code === status.RESOURCE_EXHAUSTED) cutOff++;
        else {
          failures++;
          firstFailure ||= `${status[code] ?? code} ${details}`;
        }
        settle();
      },
    });
  });
  const stats = chatClient(target);
  await waitForSessions(stats, room, sessions);
  announce("ready");
  const readyAt = performance.now();
  const cpuBefore = process.cpuUsage();
  const timer = setTimeout(allSettled, flags.number("timeout-ms"));
  await done;
  clearTimeout(timer);
  const seconds = (performance.now() - readyAt) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  finished = true;
  for (const session of joined) session.close();
  stats.close();
  return {
    completed: latency.count,
    seconds,
    failures,
    firstFailure,
    latency: latency.summary(),
    counters: {
      expected: sessions * expect,
      cutOff,
      complete,
      cpuPercent: (cpu.user + cpu.system) / 10_000 / seconds,
    },
  };
}

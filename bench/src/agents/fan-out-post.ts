import { setTimeout as sleep } from "node:timers/promises";
import { createLatencyRecorder } from "../stats/latency-recorder.js";
import { announce, readFlags, wallClockMs } from "./agent-io.js";
import type { AgentReport } from "./agent-report.js";
import { joinRoom } from "./chat-session.js";
import { chatClient, describeFailure } from "./clients.js";

/** How long to wait for the last acks once every post is sent. */
const ACK_GRACE_MS = 10_000;

/**
 * The posting side of fan-out: one session posts to `room` at a steady `rate` per second for
 * `duration-ms`, whatever the acks do (an open-loop load, as real users are). Each text is the
 * wall clock at sending. Completed = acks; latency = post to ack. Announces `posting` and
 * `posted` around the posting.
 */
export async function fanOutPost(args: readonly string[]): Promise<AgentReport> {
  const flags = readFlags(args);
  const rate = flags.number("rate");
  const total = Math.round((rate * flags.number("duration-ms")) / 1000);
  const client = chatClient(flags.string("target"));
  const latency = createLatencyRecorder(total);
  const sentAt = new Map<string, number>();
  let failures = 0;
  let firstFailure = "";
  let lastAck = () => {};
  const acked = new Promise<void>((resolve) => {
    lastAck = resolve;
  });
  const session = joinRoom(client, flags.string("room"), "poster", {
    onAck(id) {
      const posted = sentAt.get(id);
      if (posted !== undefined) latency.record(performance.now() - posted);
      if (latency.count + failures === total) lastAck();
    },
    onError(error) {
      failures++;
      firstFailure ||= describeFailure(error);
      lastAck();
    },
  });

  announce("posting");
  const startedAt = performance.now();
  let sent = 0;
  while (sent < total && failures === 0) {
    // Catch up to the schedule on every timer tick: timers fire about once a millisecond, so a
    // tick sends one or two posts and the rate stays steady over any window longer than that.
    const due = Math.min(total, Math.floor(((performance.now() - startedAt) * rate) / 1000) + 1);
    for (; sent < due; sent++) {
      const id = String(sent);
      sentAt.set(id, performance.now());
      session.post(wallClockMs().toFixed(3), id);
    }
    await sleep(1);
  }
  const seconds = (performance.now() - startedAt) / 1000;
  announce("posted");
  await Promise.race([acked, sleep(ACK_GRACE_MS)]);
  await session.end();
  client.close();
  return {
    completed: latency.count,
    seconds,
    failures,
    firstFailure,
    latency: latency.summary(),
    counters: { posted: sent, rate: sent / seconds },
  };
}

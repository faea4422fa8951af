import { createLatencyRecorder } from "../stats/latency-recorder.js";
import { announce, readFlags } from "./agent-io.js";
import type { AgentReport } from "./agent-report.js";
import { joinRoom } from "./chat-session.js";
import { chatClient, describeFailure } from "./clients.js";

/**
 * Chat throughput: `sessions` sessions, each on its own connection and in its own room (so the
 * number is posting, not fan-out), each keeping `window` posts unacknowledged, for `warmup-ms`
 * unmeasured then `duration-ms` measured. Completed = acks received in the measured window;
 * latency = post to ack, for posts sent in it. Announces `measuring` and `measured` at the edges
 * of the measured window.
 */
export async function chatPost(args: readonly string[]): Promise<AgentReport> {
  const flags = readFlags(args);
  const target = flags.string("target");
  const window = flags.number("window");
  const text = "x".repeat(flags.number("text-bytes"));
  const run = flags.string("run");
  const start = performance.now() + flags.number("warmup-ms");
  const end = start + flags.number("duration-ms");
  const latency = createLatencyRecorder(1 << 16);
  let acked = 0;
  let failures = 0;
  let firstFailure = "";

  const session = (index: number) =>
    new Promise<void>((resolve) => {
      const client = chatClient(target);
      const sentAt = new Map<string, number>();
      let next = 0;
      let finishing = false;
      const fill = () => {
        while (!finishing && sentAt.size < window) {
          const id = String(next++);
          sentAt.set(id, performance.now());
          chat.post(text, id);
        }
      };
      const finish = () => {
        if (finishing) return;
        finishing = true;
        chat.end().then(() => {
          client.close();
          resolve();
        });
      };
      const chat = joinRoom(client, `bench-${run}-${index}`, `poster-${index}`, {
        onAck(id) {
          const now = performance.now();
          const posted = sentAt.get(id);
          sentAt.delete(id);
          if (now >= start && now <= end) {
            acked++;
            if (posted !== undefined && posted >= start) latency.record(now - posted);
          }
          if (now >= end) finish();
          else fill();
        },
        onError(error) {
          failures++;
          firstFailure ||= describeFailure(error);
          finish();
        },
      });
      fill();
    });

  // The harness measures server CPU between these two milestones.
  setTimeout(() => announce("measuring"), start - performance.now());
  setTimeout(() => announce("measured"), end - performance.now());
  await Promise.all(Array.from({ length: flags.number("sessions") }, (_, i) => session(i)));
  return {
    completed: acked,
    seconds: (end - start) / 1000,
    failures,
    firstFailure,
    latency: latency.summary(),
    counters: {},
  };
}

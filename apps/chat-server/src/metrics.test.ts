import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChatMessage } from "@fibchat/contracts/chat/v1";
import { sampleKey, scrape } from "@fibchat/server-kit/testing";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type ChatFixture, openSession, startChat } from "./test-support/chat-fixture.js";

const root = mkdtempSync(join(tmpdir(), "chat-metrics-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let server: ChatFixture | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const SERVICE = "chat.v1.ChatService";
const session = {
  grpc_type: "bidi_stream",
  grpc_service: SERVICE,
  grpc_method: "SendAndReceiveMessage",
};
const follow = { grpc_type: "server_stream", grpc_service: SERVICE, grpc_method: "GetMessages" };
const joined = (e: { event?: { $case: string } | undefined }) => e.event?.$case === "joined";

describe("chat server metrics", () => {
  it("after a session with 4 posts and 1 rejection, a listener and a follower, count exactly that", async () => {
    server = await startChat({
      store: `sqlite:${join(root, "chat.sqlite")}`,
      metricsAddress: { host: "127.0.0.1", port: 0 },
    });
    const { client } = server;
    const followed: ChatMessage[] = [];
    const follower = client.getMessages({ room: "r", afterId: 0n, limit: 0, follow: true });
    const fourFollowed = new Promise<void>((resolve) =>
      follower.on("data", ({ message }: { message?: ChatMessage }) => {
        if (message) followed.push(message);
        if (followed.length === 4) resolve();
      }),
    );
    follower.on("error", () => {});
    const listener = openSession(client, { room: "r", author: "bo", confirmJoin: true });
    await listener.waitFor(joined);
    const poster = openSession(client, { room: "r", author: "ada", confirmJoin: true });
    await poster.waitFor(joined);
    for (const id of ["c1", "c2", "c3", "c4"]) poster.post(`hello ${id}`, id);
    poster.post("", "c5");
    await poster.waitFor((e) => e.event?.$case === "rejected");
    expect(await poster.end()).toBeNull();
    await listener.waitFor(() => listener.messages().length === 4);
    await fourFollowed;

    const line = await server.logs.waitFor((entry) => typeof entry.metrics === "string");
    const url = String(line.metrics);
    const ended = sampleKey("grpc_server_handled_total", { ...session, grpc_code: "OK" });
    // The server counts the poster's end once it has sent the status: scrape until it has.
    let samples = await scrape(url);
    while (samples.get(ended) !== 1 || samples.get("fibchat_chat_sessions_open") !== 1)
      samples = await scrape(url);

    const commits = samples.get(
      sampleKey("fibchat_chat_store_commit_batch_size_count", { store: "sqlite" }),
    );
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThanOrEqual(4);
    const nonZero = new Map(
      [...samples].filter(
        ([key, value]) =>
          value !== 0 &&
          (key.startsWith("grpc_server_") || key.startsWith("fibchat_")) &&
          !key.includes("_bucket{") &&
          !key.startsWith("fibchat_chat_store_commit_seconds_sum"),
      ),
    );
    expect(nonZero).toEqual(
      new Map([
        [sampleKey("grpc_server_started_total", session), 2],
        // Joins (2) and posts (5).
        [sampleKey("grpc_server_msg_received_total", session), 7],
        // Joined (2), acks (4), the rejection (1), and the listener's 4 messages.
        [sampleKey("grpc_server_msg_sent_total", session), 11],
        [ended, 1],
        [sampleKey("grpc_server_started_total", follow), 1],
        [sampleKey("grpc_server_msg_received_total", follow), 1],
        [sampleKey("grpc_server_msg_sent_total", follow), 4],
        ["fibchat_chat_sessions_open", 1],
        ["fibchat_chat_follow_streams_open", 1],
        ["fibchat_chat_messages_stored_total", 4],
        [sampleKey("fibchat_chat_messages_delivered_total", { reader: "session" }), 4],
        [sampleKey("fibchat_chat_messages_delivered_total", { reader: "follow" }), 4],
        [sampleKey("fibchat_chat_posts_rejected_total", { reason: "invalid" }), 1],
        [sampleKey("fibchat_chat_store_available", { store: "sqlite" }), 1],
        [sampleKey("fibchat_chat_store_commit_seconds_count", { store: "sqlite" }), commits],
        [sampleKey("fibchat_chat_store_commit_batch_size_count", { store: "sqlite" }), commits],
        [sampleKey("fibchat_chat_store_commit_batch_size_sum", { store: "sqlite" }), 4],
      ]),
    );
    for (const reason of ["permission", "rate_limited"]) {
      expect(samples.get(sampleKey("fibchat_chat_posts_rejected_total", { reason }))).toBe(0);
    }
    for (const reader of ["session", "follow"]) {
      expect(samples.get(sampleKey("fibchat_chat_slow_consumer_cutoffs_total", { reader }))).toBe(
        0,
      );
    }
    // Bidi sessions are left out of the latency histogram.
    expect(samples.has(sampleKey("grpc_server_handling_seconds_count", session))).toBe(false);
    listener.cancel();
    follower.cancel();
  });
});

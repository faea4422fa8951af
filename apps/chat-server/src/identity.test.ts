import type { SendAndReceiveMessageResponse } from "@fibchat/contracts/chat/v1";
import { ChatServiceClient } from "@fibchat/contracts/chat/v1";
import {
  createTestCertificates,
  createTestTokens,
  type TestTokens,
} from "@fibchat/server-kit/testing";
import { credentials, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ackOf,
  bearer,
  type ChatFixture,
  openSession,
  readMessages,
  startChat,
} from "./test-support/chat-fixture.js";

const joined = (e: SendAndReceiveMessageResponse) => e.event?.$case === "joined";

describe("chat authors bound to the signed-in user (JWT mode)", () => {
  let tokens: TestTokens;
  let server: ChatFixture;
  let alice: string;
  beforeAll(async () => {
    tokens = await createTestTokens();
    server = await startChat({ authJwtSecretFile: tokens.secretFile });
    alice = await tokens.hs256({ sub: "alice", scope: "chat.read chat.write" });
  });
  afterAll(() => server.stop());

  it("fills in an empty author, confirms it with joined, and stores posts under it", async () => {
    const session = openSession(
      server.client,
      { room: "bound", author: "", confirmJoin: true },
      bearer(alice),
    );
    const event = await session.waitFor(joined);
    expect(event.event).toEqual({ $case: "joined", value: { room: "bound", author: "alice" } });
    // `joined` comes before anything else.
    expect(session.events[0]).toBe(event);
    session.post("hello", "p1");
    const ack = await session.waitFor(ackOf("p1"));
    expect(ack.event?.$case === "ack" && ack.event.value.message?.author).toBe("alice");
    expect(await session.end()).toBeNull();
    const stored = await readMessages(server.client, { room: "bound" }, bearer(alice));
    expect(stored.map((m) => [m.author, m.text])).toEqual([["alice", "hello"]]);
  });

  it("accepts the signed-in name given explicitly", async () => {
    const session = openSession(server.client, { room: "bound2", author: "alice" }, bearer(alice));
    session.post("explicit", "p1");
    await session.waitFor(ackOf("p1"));
    expect(await session.end()).toBeNull();
  });

  it("refuses to post as someone else with PERMISSION_DENIED, storing nothing", async () => {
    const session = openSession(
      server.client,
      { room: "impostor", author: "bob", confirmJoin: true },
      bearer(alice),
    );
    session.post("I am bob", "p1");
    const error = await session.closed;
    expect(error?.code).toBe(status.PERMISSION_DENIED);
    expect(error?.details).toBe("you are signed in as alice; author must be empty or alice");
    expect(session.events).toEqual([]);
    expect(await readMessages(server.client, { room: "impostor" }, bearer(alice))).toEqual([]);
  });

  it("rejects posts of a reader without chat.write, keeping the session open", async () => {
    const reader = await tokens.hs256({ sub: "rita", scope: "chat.read" });
    const session = openSession(server.client, { room: "readonly", author: "" }, bearer(reader));
    session.post("may I?", "p1");
    const answer = await session.waitFor(
      (e) => e.event?.$case === "rejected" && e.event.value.clientMessageId === "p1",
    );
    expect(answer.event?.$case === "rejected" && answer.event.value.reason).toMatch(
      /^posting needs the chat\.write scope; you \(rita\) have chat\.read: ask for a token with scope chat\.write$/,
    );
    expect(answer.event?.$case === "rejected" && answer.event.value.code).toBe(
      status.PERMISSION_DENIED,
    );
    expect(await session.end()).toBeNull();
    expect(await readMessages(server.client, { room: "readonly" }, bearer(reader))).toEqual([]);
  });

  it("refuses a session and reads without chat.read with PERMISSION_DENIED", async () => {
    const writer = await tokens.hs256({ sub: "will", scope: "chat.write" });
    const session = openSession(server.client, { room: "general", author: "" }, bearer(writer));
    const error = await session.closed;
    expect(error?.code).toBe(status.PERMISSION_DENIED);
    expect(error?.details).toMatch(/needs the chat\.read scope/);
    await expect(readMessages(server.client, {}, bearer(writer))).rejects.toMatchObject({
      code: status.PERMISSION_DENIED,
    });
  });

  it("lists members by their signed-in names, and needs chat.read for ListRooms and ListMembers", async () => {
    const session = openSession(
      server.client,
      { room: "listed", author: "", confirmJoin: true },
      bearer(alice),
    );
    await session.waitFor(joined);
    const listMembers = (token: string) =>
      new Promise((resolve, reject) =>
        server.client.listMembers({ room: "listed" }, bearer(token), (e, r) =>
          e ? reject(e) : resolve(r.members.map(({ author }) => author)),
        ),
      );
    const listRooms = (token: string) =>
      new Promise((resolve, reject) =>
        server.client.listRooms({ pageSize: 0, pageToken: "" }, bearer(token), (e, r) =>
          e ? reject(e) : resolve(r.rooms.map(({ room }) => room)),
        ),
      );
    expect(await listMembers(alice)).toEqual(["alice"]);
    expect(await listRooms(alice)).toContain("listed");
    const writer = await tokens.hs256({ sub: "will", scope: "chat.write" });
    await expect(listMembers(writer)).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
    await expect(listRooms(writer)).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
    await session.end();
  });

  it("refuses a call without a token with UNAUTHENTICATED", async () => {
    await expect(readMessages(server.client, {})).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
    });
  });
});

describe("self-declared authors (no identity mode)", () => {
  let server: ChatFixture;
  beforeAll(async () => {
    server = await startChat();
  });
  afterAll(() => server.stop());

  it("confirms the declared author, and still requires one", async () => {
    const session = openSession(server.client, { room: "", author: "zoe", confirmJoin: true });
    const event = await session.waitFor(joined);
    expect(event.event).toEqual({ $case: "joined", value: { room: "general", author: "zoe" } });
    expect(await session.end()).toBeNull();
    const anonymous = openSession(server.client, { room: "", author: "" });
    expect((await anonymous.closed)?.code).toBe(status.INVALID_ARGUMENT);
  });

  it("sends no joined event to a client that did not ask", async () => {
    const session = openSession(server.client, { room: "quiet", author: "ann" });
    session.post("hi", "p1");
    await session.waitFor(ackOf("p1"));
    expect(await session.end()).toBeNull();
    expect(session.events.map((e) => e.event?.$case)).toEqual(["ack"]);
  });
});

describe("chat authors bound to the client certificate (mTLS identity)", () => {
  const certificates = createTestCertificates();
  let server: ChatFixture;
  beforeAll(async () => {
    server = await startChat({
      tlsCert: certificates.serverCert,
      tlsKey: certificates.serverKey,
      tlsClientCa: certificates.caCert,
      authFromClientCert: true,
    });
  });
  afterAll(() => server.stop());

  it("makes the certificate's common name the author of the session", async () => {
    const grace = certificates.issueClient("grace");
    const client = new ChatServiceClient(
      server.address,
      credentials.createSsl(
        certificates.read(certificates.caCert),
        certificates.read(grace.key),
        certificates.read(grace.cert),
      ),
    );
    try {
      const session = openSession(client, { room: "certs", author: "", confirmJoin: true });
      const event = await session.waitFor(joined);
      expect(event.event).toEqual({ $case: "joined", value: { room: "certs", author: "grace" } });
      session.post("signed by my certificate", "c1");
      const ack = await session.waitFor(ackOf("c1"));
      expect(ack.event?.$case === "ack" && ack.event.value.message?.author).toBe("grace");
      expect(await session.end()).toBeNull();
      const impostor = openSession(client, { room: "certs", author: "heidi" });
      expect((await impostor.closed)?.code).toBe(status.PERMISSION_DENIED);
    } finally {
      client.close();
    }
  });
});

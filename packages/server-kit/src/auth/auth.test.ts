import { FibonacciServiceClient, FibonacciServiceService } from "@fibchat/contracts/fibonacci/v1";
import { HealthCheckResponse_ServingStatus, HealthClient } from "@fibchat/contracts/grpc/health/v1";
import {
  type ChannelCredentials,
  credentials,
  Metadata,
  type ServiceError,
  status,
} from "@grpc/grpc-js";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { serverStreaming, unary } from "../adapter/handlers.js";
import { ConfigError } from "../config/option.js";
import type { ServerAppConfig } from "../server/server-app.js";
import { insecure, startApp, type TestApp } from "../test-support/start-app.js";
import { createTestCertificates } from "../testing/certificates.js";
import { createTestTokens, type TestTokens } from "../testing/test-tokens.js";

let tokens: TestTokens;
beforeAll(async () => {
  tokens = await createTestTokens();
});

const running: TestApp[] = [];
const clients: { close(): void }[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(running.splice(0).map(({ app }) => app.shutdown()));
});

/**
 * A Fibonacci service whose GetSequence answers with who called: `value` is the principal's
 * subject (or `anonymous`), `index` the number of scopes, so a test sees what the handler saw.
 */
async function start(
  overrides: Partial<ServerAppConfig>,
  channel: ChannelCredentials = insecure,
): Promise<{ server: TestApp; client: FibonacciServiceClient; health: HealthClient }> {
  const server = await startApp((app) => {
    app.addService(
      FibonacciServiceService,
      {
        getSequence: unary(
          async (_request, { principal }) => ({
            numbers: [
              principal.kind === "user"
                ? { index: principal.scopes.size, value: principal.subject }
                : { index: 0, value: "anonymous" },
            ],
          }),
          app.runtime,
        ),
        streamSequence: serverStreaming(async function* () {}, app.runtime),
      },
      { getSequence: "fibonacci.read", streamSequence: "fibonacci.read" },
    );
  }, overrides);
  running.push(server);
  const client = new FibonacciServiceClient(server.address, channel);
  const health = new HealthClient(server.address, channel);
  clients.push(client, health);
  return { server, client, health };
}

function whoAmI(client: FibonacciServiceClient, token?: string) {
  const metadata = new Metadata();
  if (token !== undefined) metadata.set("authorization", `Bearer ${token}`);
  return new Promise<{ index: number; value: string }>((resolve, reject) => {
    client.getSequence({ start: 0, count: 1 }, metadata, (error, response) => {
      const first = response?.numbers[0];
      if (error) reject(error);
      else if (first === undefined) reject(new Error("empty response"));
      else resolve(first);
    });
  });
}

function failure(promise: Promise<unknown>): Promise<ServiceError> {
  return promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: ServiceError) => error,
  );
}

describe("JWT identity", () => {
  it("gives the handler the token's subject and scopes, and logs the subject", async () => {
    const { server, client } = await start({ authJwtSecretFile: tokens.secretFile });
    const token = await tokens.hs256({ sub: "alice", scope: "fibonacci.read chat.read other" });
    expect(await whoAmI(client, token)).toEqual({ value: "alice", index: 2 });
    // The second call is served from the verified-token cache: same answer.
    expect(await whoAmI(client, token)).toEqual({ value: "alice", index: 2 });
    const line = await server.logs.waitFor((l) => l.msg === "rpc finished");
    expect(line.subject).toBe("alice");
    expect(line.code).toBe("OK");
  });

  it("grants --auth-default-scopes to a token without a scope claim", async () => {
    const all = await start({ authJwtSecretFile: tokens.secretFile });
    expect(await whoAmI(all.client, await tokens.hs256({ sub: "bob" }))).toEqual({
      value: "bob",
      index: 3,
    });
    const none = await start({ authJwtSecretFile: tokens.secretFile, authDefaultScopes: "none" });
    const error = await failure(whoAmI(none.client, await tokens.hs256({ sub: "bob" })));
    expect(error.code).toBe(status.PERMISSION_DENIED);
  });

  it("refuses a call without the method's scope with PERMISSION_DENIED naming it", async () => {
    const { server, client } = await start({ authJwtSecretFile: tokens.secretFile });
    const token = await tokens.hs256({ sub: "carol", scope: "chat.read chat.write" });
    const error = await failure(whoAmI(client, token));
    expect(error.code).toBe(status.PERMISSION_DENIED);
    expect(error.details).toMatch(
      /needs the fibonacci\.read scope; you \(carol\) have chat\.read chat\.write/,
    );
    const refusal = await server.logs.waitFor((l) => l.msg === "call refused: permission denied");
    expect(refusal).toMatchObject({ subject: "carol", reason: "missing scope fibonacci.read" });
  });

  it("answers health checks without a token", async () => {
    const { health } = await start({ authJwtSecretFile: tokens.secretFile });
    const response = await new Promise((resolve, reject) =>
      health.check({ service: "" }, (error, result) => (error ? reject(error) : resolve(result))),
    );
    expect(response).toEqual({ status: HealthCheckResponse_ServingStatus.SERVING });
  });

  const refusals: [string, (t: TestTokens) => Promise<string | undefined>, RegExp][] = [
    [
      "no token",
      async () => undefined,
      /^missing bearer token: this server identifies users by JWT/,
    ],
    ["an expired token", (t) => t.hs256({ sub: "a", expiresIn: -120 }), /^token expired at \d{4}-/],
    [
      "a token not yet valid",
      (t) => t.hs256({ sub: "a", notBefore: 600 }),
      /^token not valid before \d{4}-/,
    ],
    [
      "a token from another issuer",
      (t) => t.hs256({ sub: "a", iss: "evil", aud: "fibchat" }),
      /^token issuer "evil" is not "https:\/\/id\.example"/,
    ],
    [
      "a token for another audience",
      (t) => t.hs256({ sub: "a", iss: "https://id.example", aud: "other" }),
      /^token audience "other" does not include "fibchat"/,
    ],
    [
      "a token signed with another secret",
      (t) => t.hs256({ sub: "a" }, new TextEncoder().encode("x".repeat(48))),
      /^token signature does not verify/,
    ],
    [
      "a tampered token",
      async (t) => tamper(await t.hs256({ sub: "a", scope: "chat.read" })),
      /^token signature does not verify/,
    ],
    [
      "an unsigned token (alg none)",
      async () => unsigned({ sub: "a" }),
      /^unsigned token \(`alg: none`\) refused/,
    ],
    [
      "a token of another algorithm",
      (t) => t.es256({ sub: "a" }),
      /^token signed with ES256; this server accepts HS256/,
    ],
    ["a token without sub", (t) => t.hs256({}), /^token has no `sub` claim/],
    [
      "a token without exp",
      (t) => t.hs256({ sub: "a", expiresIn: null }),
      /^token has no `exp` claim: fibchat requires one/,
    ],
    [
      "a token with a malformed scope claim",
      (t) => t.hs256({ sub: "a", scope: 42 }),
      /^token's `scope` claim is neither/,
    ],
    ["something that is not a JWT", async () => "not-a-jwt", /^malformed token/],
  ];
  it.each(refusals)(
    "refuses %s with UNAUTHENTICATED, saying why, logging no token",
    async (_what, mint, message) => {
      const { server, client } = await start({
        authJwtSecretFile: tokens.secretFile,
        ...(_what.includes("issuer") || _what.includes("audience")
          ? { authJwtIssuer: "https://id.example", authJwtAudience: "fibchat" }
          : {}),
      });
      const token = await mint(tokens);
      const error = await failure(whoAmI(client, token));
      expect(error.code).toBe(status.UNAUTHENTICATED);
      expect(error.details).toMatch(message);
      const refusal = await server.logs.waitFor((l) => l.msg === "call refused: not authenticated");
      expect(refusal.peer).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(refusal.reason).toBeTypeOf("string");
      if (token !== undefined) {
        expect(error.details).not.toContain(token);
        expect(JSON.stringify(server.logs.lines())).not.toContain(token);
      }
    },
  );

  it("verifies RS256 tokens against a JWKS file and refuses algorithm confusion", async () => {
    const { client } = await start({ authJwtPublicKey: tokens.jwksFile });
    expect(await whoAmI(client, await tokens.rs256({ sub: "dave" }))).toMatchObject({
      value: "dave",
    });
    // An HS256 token "signed" with public material must never verify against an RSA key.
    const confused = await failure(whoAmI(client, await tokens.hs256({ sub: "mallory" })));
    expect(confused.code).toBe(status.UNAUTHENTICATED);
    expect(confused.details).toMatch(/^token signed with HS256; this server accepts RS256/);
  });

  it("verifies ES256 tokens against a PEM public key", async () => {
    const { client } = await start({ authJwtPublicKey: tokens.publicKeyFile });
    expect(await whoAmI(client, await tokens.es256({ sub: "erin" }))).toMatchObject({
      value: "erin",
    });
    expect((await failure(whoAmI(client, await tokens.rs256({ sub: "x" })))).code).toBe(
      status.UNAUTHENTICATED,
    );
  });
});

describe("client-certificate identity", () => {
  const certificates = createTestCertificates();

  it("makes the certificate's common name the user", async () => {
    const alice = certificates.issueClient("alice");
    const channel = credentials.createSsl(
      certificates.read(certificates.caCert),
      certificates.read(alice.key),
      certificates.read(alice.cert),
    );
    const { server, client } = await start(
      {
        tlsCert: certificates.serverCert,
        tlsKey: certificates.serverKey,
        tlsClientCa: certificates.caCert,
        authFromClientCert: true,
      },
      channel,
    );
    expect(await whoAmI(client)).toEqual({ value: "alice", index: 3 });
    const line = await server.logs.waitFor((l) => l.msg === "rpc finished");
    expect(line.subject).toBe("alice");
  });
});

describe("a call with no principal on a server that authenticates", () => {
  it("fails with INTERNAL instead of running as anonymous", async () => {
    const server = await startApp((app) => {
      // As if an interceptor had let the call through without attaching who it is.
      const runtime = { ...app.runtime, authenticates: true };
      app.addService(FibonacciServiceService, {
        getSequence: unary(async (_request, { principal }) => {
          throw new Error(`must not run, as ${principal.kind}`);
        }, runtime),
        streamSequence: serverStreaming(async function* () {}, runtime),
      });
    });
    running.push(server);
    const client = new FibonacciServiceClient(server.address, insecure);
    clients.push(client);
    const error = await failure(whoAmI(client));
    expect(error.code).toBe(status.INTERNAL);
    const logged = await server.logs.waitFor((l) => l.level >= 50);
    expect(JSON.stringify(logged)).toContain("without a principal");
  });
});

describe("shared token", () => {
  it("admits the token's holders as anonymous callers", async () => {
    const { client } = await start({ authToken: "s3cret-token" });
    expect(await whoAmI(client, "s3cret-token")).toEqual({ value: "anonymous", index: 0 });
    expect((await failure(whoAmI(client, "wrong"))).details).toMatch(/^wrong bearer token/);
  });

  it("accepts a token with spaces in it", async () => {
    const { client } = await start({ authToken: "two words" });
    expect(await whoAmI(client, "two words")).toEqual({ value: "anonymous", index: 0 });
  });
});

describe("configuration", () => {
  const cases: [string, Partial<ServerAppConfig>, RegExp][] = [
    [
      "two modes",
      { authToken: "t", authJwtSecretFile: "/nonexistent" },
      /choose one authentication mode/,
    ],
    [
      "issuer without a key",
      { authJwtIssuer: "x" },
      /--auth-jwt-issuer and --auth-jwt-audience need/,
    ],
    [
      "a missing key file",
      { authJwtPublicKey: "/nonexistent/key.pem" },
      /cannot read --auth-jwt-public-key/,
    ],
    [
      "client certificates without mTLS",
      { authFromClientCert: true },
      /--auth-from-client-cert needs --tls-client-ca/,
    ],
    [
      "an unknown default scope",
      { authDefaultScopes: "chat.admin" },
      /unknown scope "chat\.admin"/,
    ],
  ];
  it.each(cases)("refuses %s with a ConfigError", async (_what, overrides, message) => {
    const attempt = startApp(() => {}, overrides);
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(message);
  });
});

/** Flips one character of the payload, keeping it valid base64url. */
function tamper(token: string): string {
  const [header, payload, signature] = token.split(".");
  const flipped = `${payload?.slice(0, -2)}${payload?.at(-2) === "A" ? "B" : "A"}${payload?.at(-1)}`;
  return [header, flipped, signature].join(".");
}

function unsigned(claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return `${part({ alg: "none", typ: "JWT" })}.${part({ ...claims, exp })}.`;
}

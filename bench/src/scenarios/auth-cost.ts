import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { dirname } from "node:path";
import { createTestTokens, type TestClaims } from "@fibchat/server-kit/testing";
import { createAgentLoadGenerator } from "../load/agent-load.js";
import type { LoadGenerator, UnaryLoad } from "../load/load-generator.js";
import { startCpuMeter } from "../process/proc-stats.js";
import type { RunningServer, ServerSpec } from "../process/server-process.js";
import { latencyChart } from "../report/chart-builders.js";
import type { ComparisonRow } from "../report/results.js";
import { median } from "../stats/percentiles.js";
import { alternate } from "./alternate.js";
import type { Scenario } from "./bench-context.js";
import { measurementOf, problemNotes, type Round } from "./measurement.js";
import { withServers } from "./with-servers.js";

const REQUEST = { start: 0, count: 20 };
const CONCURRENCY = 16;
const TARGET_RATIO = 0.95;
/**
 * Distinct tokens a cache-miss contender rotates through: more than the 1,000 the server's
 * verified-token cache holds (server-kit `createVerifiedTokenCache`), so that each token has been
 * evicted by the time it comes round again and every call verifies a signature.
 */
const ROTATED_TOKENS = 4_096;
const CLAIMS: TestClaims = { sub: "bench", scope: "fibonacci.read" };

/** One configuration measured, round by round, against the same load. */
interface Contender {
  /** As the table names it. */
  readonly name: string;
  readonly server: RunningServer;
  readonly load: LoadGenerator;
  readonly auth: Pick<UnaryLoad, "headers" | "bearerTokens">;
  /** What the row compares it with; the reference itself has none. */
  readonly reference?: string;
  readonly target?: boolean;
}

/**
 * The cost of identity on every call (issue 12): unary GetSequence(20) at 16 in flight against
 * fibchat's Fibonacci server without auth, with a shared bearer token, and with JWTs (HS256
 * secret, ES256 public key) sent the way real clients send them, one token reused by every call
 * (the server's verified-token cache hit), and a new token on each call (a miss: the signature
 * check itself). Every configuration is its own server; they are alternated round by round.
 */
export const authCostScenario: Scenario = {
  id: "auth",
  run: ({ servers, mode, load, log }) =>
    withServers(async (start) => {
      const tokens = await createTestTokens();
      try {
        const base = servers.fibonacci("warn");
        const spec = (label: string, args: readonly string[]): ServerSpec => ({
          ...base,
          name: `fibchat, ${label}`,
          args: [...base.args, ...args],
        });
        const sharedToken = randomBytes(24).toString("base64url");
        const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
        // A different `exp` per token makes each one distinct for the same user, so the miss
        // rows differ from the hit rows only in the cache.
        const distinct = (mint: (claims: TestClaims) => Promise<string>) =>
          Promise.all(
            Array.from({ length: ROTATED_TOKENS }, (_, i) =>
              mint({ ...CLAIMS, expiresIn: 3_600 + i }),
            ),
          );
        const hs256 = ["--auth-jwt-secret-file", tokens.secretFile];
        const es256 = ["--auth-jwt-public-key", tokens.publicKeyFile];
        const noAuth = await start(spec("no auth", []));
        const shared = await start(spec("shared token", [`--auth-token=${sharedToken}`]));
        const hsHit = await start(spec("JWT HS256", hs256));
        const esHit = await start(spec("JWT ES256", es256));
        const hsMiss = await start(spec("JWT HS256 (misses)", hs256));
        const esMiss = await start(spec("JWT ES256 (misses)", es256));
        log(`auth: minting ${ROTATED_TOKENS} HS256 and ${ROTATED_TOKENS} ES256 tokens`);
        const hsTokens = await distinct(tokens.hs256);
        const esTokens = await distinct(tokens.es256);

        const reference = "no auth";
        // h2load sends the same headers on every call; the miss rows then come from agents, and
        // are compared with no auth measured by agents too.
        const rotating = load.rotatesBearerTokens
          ? { load, reference }
          : {
              load: createAgentLoadGenerator("h2load cannot rotate tokens"),
              reference: "no auth (agent load)",
            };
        const hsToken = await tokens.hs256(CLAIMS);
        const contenders: Contender[] = [
          { name: reference, server: noAuth, load, auth: {} },
          // The same server and load with the header the JWT rows send: what carrying a token
          // costs before anyone checks it.
          {
            name: "no auth, a JWT sent and ignored",
            server: noAuth,
            load,
            auth: bearer(hsToken),
            reference,
          },
          {
            name: "shared token",
            server: shared,
            load,
            auth: bearer(sharedToken),
            reference,
          },
          {
            name: "JWT HS256, one token",
            server: hsHit,
            load,
            auth: bearer(hsToken),
            reference,
            target: true,
          },
          {
            name: "JWT ES256, one token",
            server: esHit,
            load,
            auth: bearer(await tokens.es256(CLAIMS)),
            reference,
            target: true,
          },
          ...(load.rotatesBearerTokens
            ? []
            : [{ name: rotating.reference, server: noAuth, load: rotating.load, auth: {} }]),
          {
            name: "JWT HS256, new token per call",
            server: hsMiss,
            load: rotating.load,
            auth: { bearerTokens: hsTokens },
            reference: rotating.reference,
          },
          {
            name: "JWT ES256, new token per call",
            server: esMiss,
            load: rotating.load,
            auth: { bearerTokens: esTokens },
            reference: rotating.reference,
          },
        ];
        const rounds = await alternate(contenders, mode.rounds, async (contender, round) => {
          log(`auth: ${contender.name}, round ${round + 1}`);
          const cpu = await startCpuMeter(contender.server.pid);
          const result = await contender.load.unary(contender.server.address, {
            request: REQUEST,
            concurrency: CONCURRENCY,
            warmupMs: mode.warmupMs,
            durationMs: mode.roundMs,
            ...contender.auth,
          });
          const measured: Round = {
            value: result.completed / result.seconds,
            latency: result.latency,
            cpuPercent: await cpu(),
            problems: result.problems,
          };
          return measured;
        });
        const peaks = await Promise.all(contenders.map((c) => c.server.peakRssBytes()));
        const measurements = contenders.map((contender, i) =>
          measurementOf(contender.name, rounds[i] ?? [], peaks[i]),
        );
        const byName = new Map(measurements.map((m) => [m.server, m]));
        const scenario = `auth: unary GetSequence(20), ${CONCURRENCY} in flight`;
        const rows = contenders.flatMap((contender, i): ComparisonRow[] => {
          const fibchat = measurements[i];
          const baseline =
            contender.reference === undefined ? undefined : byName.get(contender.reference);
          if (fibchat === undefined || baseline === undefined) return [];
          return [
            {
              scenario,
              metric: "calls/s",
              better: "higher",
              fibchat,
              baseline,
              ...(contender.target === true && {
                target: {
                  description: `≥ ${TARGET_RATIO}× no auth`,
                  met: fibchat.value >= TARGET_RATIO * baseline.value,
                },
              }),
            },
          ];
        });
        return {
          id: "auth",
          title: "The cost of identity on every call",
          rows,
          notes: [
            "One fibchat Fibonacci server (`--log-level warn`) per contender, alternated round by round; every call sends `authorization: Bearer …` except the no-auth reference. **no auth, a JWT sent and ignored**: the no-auth server again, sent the HS256 row's header, which it does not read: what a token costs to carry (decoding the header, a string, one more `Metadata` entry), apart from checking it. **shared token**: `--auth-token`, a SHA-256 of the presented token and a constant-time comparison per call. **JWT HS256 / ES256, one token**: `--auth-jwt-secret-file` (HMAC secret) or `--auth-jwt-public-key` (EC P-256 PEM); every call reuses one token, as real clients do, so after the first call the server finds it in its verified-token cache (keyed by the token, until `exp`): the row measures the cache hit, not the signature.",
            `**JWT …, new token per call**: the load rotates through ${ROTATED_TOKENS.toLocaleString("en-US")} distinct tokens of the same user (minted before the run), more than the 1,000 the cache holds, so every call misses it and verifies a signature with jose (HMAC-SHA-256, or ECDSA P-256), then stores the token, evicting the oldest: what verification itself costs per call, and what a cache saves.${load.rotatesBearerTokens ? "" : " h2load cannot rotate headers, so these rows are measured by grpc-js load agents against no auth measured by agents too."}`,
            `Server CPU per call (median over rounds of server CPU time ÷ calls), which other work on the machine skews less than calls/s: ${contenders.map((contender, i) => `${contender.name} ${cpuPerCall(rounds[i] ?? [])}`).join("; ")}.`,
            `Load: ${load.description}; ${CONCURRENCY} calls in flight over 4 connections; each round is ${mode.warmupMs} ms of warm-up, then ${mode.roundMs} ms measured.`,
            ...contenders.flatMap((contender, i) => problemNotes(contender.name, rounds[i] ?? [])),
          ],
          chart: latencyChart(
            `Unary GetSequence(20), ${CONCURRENCY} in flight, by authentication: latency by percentile`,
            "latency (ms, log scale)",
            measurements.flatMap((m) =>
              m.latency === undefined
                ? []
                : [{ name: m.server, summary: m.latency, dashed: m.server === reference }],
            ),
          ),
        };
      } finally {
        await rm(dirname(tokens.secretFile), { recursive: true, force: true });
      }
    }),
};

/** `61 µs` for the notes: the server's CPU time per completed call, median over the rounds. */
function cpuPerCall(rounds: readonly Round[]): string {
  const micros = rounds.flatMap(({ cpuPercent, value }) =>
    cpuPercent === undefined || value === 0 ? [] : [(cpuPercent / 100 / value) * 1e6],
  );
  return micros.length === 0 ? "–" : `${Math.round(median(micros))} µs`;
}

import { readFileSync } from "node:fs";
import { Command, Option } from "@commander-js/extra-typings";
import { SignJWT } from "jose";
import { parseDurationArgument, parseNonEmpty } from "../arguments.js";
import type { CliContext } from "../context.js";
import { formatDuration } from "../duration.js";
import { CliError, ExitCode } from "../errors.js";

const DEFAULT_TTL_MS = 60 * 60 * 1000;
// The servers refuse shorter HS256 secrets (RFC 7518 §3.2); refuse them here too.
const MIN_SECRET_BYTES = 32;

/** `fibchat token`: mints an HS256 JWT for a server started with `--auth-jwt-secret-file`. */
export function tokenCommand(context: () => CliContext): Command {
  return new Command("token")
    .description("print a signed JWT (HS256) for servers using --auth-jwt-secret-file")
    .requiredOption(
      "--secret-file <file>",
      "the file the server reads with --auth-jwt-secret-file",
      parseNonEmpty,
    )
    .requiredOption(
      "--sub <user>",
      "the user: the chat author and the subject in logs",
      parseNonEmpty,
    )
    .option(
      "--scope <scopes>",
      "space-separated scopes: chat.read, chat.write, fibonacci.read (default: none in the token, so the server's --auth-default-scopes apply)",
    )
    .addOption(
      new Option("--ttl <duration>", "how long the token is valid")
        .argParser(parseDurationArgument)
        .default(DEFAULT_TTL_MS, formatDuration(DEFAULT_TTL_MS)),
    )
    .option("--iss <issuer>", "the iss claim (for servers with --auth-jwt-issuer)", parseNonEmpty)
    .option(
      "--aud <audience>",
      "the aud claim (for servers with --auth-jwt-audience)",
      parseNonEmpty,
    )
    .addHelpText(
      "after",
      `
For operators and tests. Real deployments get tokens from their identity provider and start
the servers with --auth-jwt-public-key (its PEM key or JWKS) instead of a shared secret.

Examples:
  $ fibchat token --secret-file jwt-secret --sub alice --scope "chat.read chat.write" --ttl 1h
  $ fibchat --token "$(fibchat token --secret-file jwt-secret --sub alice)" chat --room general`,
    )
    .action(async ({ secretFile, sub, scope, ttl, iss, aud }) => {
      const ctx = context();
      const secret = readSecret(secretFile);
      const now = Math.floor(Date.now() / 1000);
      const expires = now + Math.max(1, Math.round(ttl / 1000));
      const jwt = new SignJWT(scope === undefined ? {} : { scope })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(sub)
        .setIssuedAt(now)
        .setExpirationTime(expires);
      if (iss !== undefined) jwt.setIssuer(iss);
      if (aud !== undefined) jwt.setAudience(aud);
      const token = await jwt.sign(secret);
      await ctx.output.result(token, {
        token,
        sub,
        scope: scope ?? null,
        expiresAt: new Date(expires * 1000).toISOString(),
      });
    });
}

/** The secret as the servers read it: the file's bytes without a trailing newline. */
function readSecret(path: string): Uint8Array {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(`cannot read --secret-file ${path}: ${reason}`, ExitCode.usage);
  }
  const end = content.at(-1) === 0x0a ? (content.at(-2) === 0x0d ? -2 : -1) : content.length;
  const secret = new Uint8Array(content.subarray(0, end));
  if (secret.length < MIN_SECRET_BYTES) {
    throw new CliError(
      `--secret-file ${path} holds ${secret.length} bytes; an HS256 secret needs at least ${MIN_SECRET_BYTES} (openssl rand -base64 48 > ${path})`,
      ExitCode.usage,
    );
  }
  return secret;
}

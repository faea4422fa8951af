import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { type ChatSession, PostRejectedError, type PostResult } from "@fibchat/client";
import { messageRecord } from "./chat-format.js";
import type { ChatIdentity } from "./chat-identity.js";
import type { CliContext } from "./context.js";
import { formatDuration } from "./duration.js";
import { CliError, describeFailure, ExitCode, rpcFailure } from "./errors.js";

type Settled =
  | { readonly posted: PostResult }
  | { readonly rejected: string }
  | { readonly failed: true };

/**
 * Posts every line of stdin to the room and resolves once each one is acknowledged; empty lines
 * are skipped. Each post carries the client_message_id `<run id>:<line number>`, so when the
 * connection drops (or the server restarts) the CLI can rejoin and send again what was not
 * acknowledged, and the server still stores each line once. Prints the stored id of each line, in
 * input order (with `--json`, the whole message and its line number); a rejected line is
 * reported on stderr and fails the run once the rest are done. With `--timeout`, each line must
 * be acknowledged within it. Other people's messages are not printed.
 */
export async function pipeChat(context: CliContext, identity: ChatIdentity): Promise<void> {
  const { client, endpoint } = context.clients.chat();
  const poster = client.join(identity, {
    signal: context.stop.signal,
    receiveMessages: false,
    onReconnect: ({ attempt, of, error }) =>
      context.note(
        context.style.stderr.dim(
          `fibchat: ${describeFailure(error, endpoint)}; rejoining #${identity.room} (${attempt} of ${of})`,
        ),
      ),
  });
  const lines = createInterface({ input: context.io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  const stopReading = () => lines.close();
  context.stop.signal.addEventListener("abort", stopReading, { once: true });
  poster.closed.then(stopReading, stopReading);

  const runId = randomUUID();
  const tally = { posted: 0, rejected: 0 };
  let timeout: CliError | undefined;
  let printed = Promise.resolve();
  let lineNumber = 0;
  try {
    for await (const text of lines) {
      lineNumber += 1;
      if (text === "") continue;
      await poster.writable();
      tally.posted += 1;
      const line = lineNumber;
      const settled = awaitAnswer(poster, text, `${runId}:${line}`, context.timeoutMs, () => {
        timeout ??= new CliError(
          `DEADLINE_EXCEEDED: line ${line} was not acknowledged within ${formatDuration(context.timeoutMs ?? 0)}`,
          ExitCode.failure,
        );
        stopReading();
        poster.cancel();
      });
      printed = printed.then(async () => report(context, line, await settled, tally));
    }
    if (timeout === undefined) await poster.close();
  } catch (error) {
    throw rpcFailure(error, endpoint);
  } finally {
    context.stop.signal.removeEventListener("abort", stopReading);
    await printed;
  }
  if (timeout !== undefined) throw timeout;
  if (tally.rejected > 0) {
    throw new CliError(`${tally.rejected} of ${tally.posted} lines rejected`, ExitCode.failure);
  }
}

/** Posts one line; never rejects, so nothing is left unhandled while earlier lines print. */
function awaitAnswer(
  poster: ChatSession,
  text: string,
  clientMessageId: string,
  timeoutMs: number | undefined,
  onTimeout: () => void,
): Promise<Settled> {
  const timer = timeoutMs === undefined ? undefined : setTimeout(onTimeout, timeoutMs);
  return poster
    .post(text, { clientMessageId })
    .then(
      (posted): Settled => ({ posted }),
      (error: unknown): Settled =>
        error instanceof PostRejectedError ? { rejected: error.reason } : { failed: true },
    )
    .finally(() => clearTimeout(timer));
}

async function report(
  context: CliContext,
  line: number,
  settled: Settled,
  tally: { rejected: number },
): Promise<void> {
  if ("rejected" in settled) {
    tally.rejected += 1;
    context.note(context.style.stderr.bad(`fibchat: line ${line} rejected: ${settled.rejected}`));
    return;
  }
  if (!("posted" in settled)) return;
  const { posted } = settled;
  await context.output.result(String(posted.message.id), {
    line: String(line),
    ...messageRecord(posted.message),
    duplicate: posted.duplicate,
  });
}

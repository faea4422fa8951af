import type { GetMessagesRequest } from "@fibchat/contracts/chat/v1";
import { serverStream } from "./calls.js";
import { formatMessage, messageRecord } from "./chat-format.js";
import type { CliContext } from "./context.js";
import { createReconnector } from "./reconnect.js";

/**
 * Prints the stored messages `request` selects, oldest first, and with `follow` every new one
 * until Ctrl-C. A follow stream that the server ends with a resumable status (it shut down, or
 * this reader fell behind) is opened again after the last id printed, as chat.proto asks, so
 * nothing is missed or printed twice. `--timeout` bounds a read without `follow` only.
 */
export async function readMessages(
  context: CliContext,
  request: GetMessagesRequest,
): Promise<void> {
  const { client, endpoint } = context.clients.chat();
  const settings = context.callSettings(endpoint, { deadline: !request.follow });
  const reconnector = createReconnector({
    signal: context.stop.signal,
    onRetry: (attempt, of, reason) =>
      context.note(
        context.style.stderr.dim(
          `fibchat: ${reason}; following #${request.room} again (${attempt} of ${of})`,
        ),
      ),
  });
  let next = request;
  for (;;) {
    try {
      const messages = serverStream(settings, (metadata, options) =>
        client.getMessages(next, metadata, options),
      );
      for await (const { message } of messages) {
        if (message === undefined) continue;
        reconnector.progressed();
        // Resumed after this id; `limit` bounded only the stored messages of the first request.
        next = { ...next, afterId: message.id, limit: 0 };
        await context.output.result(
          formatMessage(message, context.style.stdout, { clock: "date-time" }),
          messageRecord(message),
        );
      }
      return;
    } catch (error) {
      if (!request.follow || !(await reconnector.retry(error))) throw error;
    }
  }
}

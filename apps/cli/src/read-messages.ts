import type { MessagesRequest } from "@fibchat/client";
import { formatMessage, messageRecord } from "./chat-format.js";
import type { CliContext } from "./context.js";
import { describeFailure, explainedStream } from "./errors.js";

/**
 * Prints the stored messages `request` selects, oldest first, and with `follow` every new one
 * until Ctrl-C. A follow stream that the server ends with a resumable status (it shut down, or
 * this reader fell behind) is opened again after the last id printed (`@fibchat/client`), so
 * nothing is missed or printed twice. `--timeout` bounds a read without `follow` only.
 */
export async function readMessages(context: CliContext, request: MessagesRequest): Promise<void> {
  const { client, endpoint } = context.clients.chat();
  const follow = request.follow === true;
  const messages = client.messages(request, {
    ...context.callOptions({ deadline: !follow }),
    onReconnect: ({ attempt, of, error }) =>
      context.note(
        context.style.stderr.dim(
          `fibchat: ${describeFailure(error, endpoint)}; following #${request.room} again (${attempt} of ${of})`,
        ),
      ),
  });
  for await (const message of explainedStream(endpoint, messages)) {
    await context.output.result(
      formatMessage(message, context.style.stdout, { clock: "date-time" }),
      messageRecord(message),
    );
  }
}

import { Command } from "@commander-js/extra-typings";
import type { FibonacciNumber } from "@fibchat/contracts/fibonacci/v1";
import { parseUint32 } from "../arguments.js";
import type { CliContext } from "../context.js";
import { explained, explainedStream } from "../errors.js";
import type { JsonRecord } from "../output.js";
import { createProgressBar } from "../progress-bar.js";

/** `fibchat fib get|stream`: Fibonacci numbers from the fibonacci server. */
export function fibCommand(context: () => CliContext): Command {
  const fib = new Command("fib")
    .description("exact Fibonacci numbers from the fibonacci server")
    .addHelpText(
      "after",
      `
Examples:
  $ fibchat fib get 10
  $ fibchat fib stream 100000 --progress > fib.txt`,
    );

  fib
    .command("get")
    .description("get F(start) … F(start + count - 1) in one response (GetSequence)")
    .argument("<count>", "how many numbers (0 is valid)", parseUint32)
    .option("--start <n>", "index of the first number", parseUint32, 0)
    .addHelpText(
      "after",
      `
Prints one number per line: its index, a space, its value.

Examples:
  $ fibchat fib get 10
  $ fibchat fib get 3 --start 100 --json | jq -r .value`,
    )
    .action(async (count, { start }) => {
      await getSequence(context(), count, start);
    });

  fib
    .command("stream")
    .description(
      "stream F(start) … F(start + count - 1), printing each as it arrives (StreamSequence)",
    )
    .argument("<count>", "how many numbers (0 is valid)", parseUint32)
    .option(
      "--start <n>",
      "index of the first number (resume a stream at last index + 1)",
      parseUint32,
      0,
    )
    .option("--progress", "draw a progress bar on stderr (only when stderr is a terminal)")
    .addHelpText(
      "after",
      `
Prints one number per line as it arrives; Ctrl-C cancels the call and exits 130.

Examples:
  $ fibchat fib stream 100000 --progress > fib.txt
  $ fibchat fib stream 1000 | head -3`,
    )
    .action(async (count, { start, progress }) => {
      await streamSequence(context(), count, start, progress === true);
    });

  return fib;
}

async function getSequence(context: CliContext, count: number, start: number): Promise<void> {
  const { client, endpoint } = context.clients.fibonacci();
  const numbers = await explained(endpoint, () =>
    client.getSequence({ count, start }, context.callOptions({ deadline: true })),
  );
  for (const number of numbers) await printNumber(context, number);
}

async function streamSequence(
  context: CliContext,
  count: number,
  start: number,
  progress: boolean,
): Promise<void> {
  const { client, endpoint } = context.clients.fibonacci();
  const { stderr, stdout } = context.io;
  const bar = progress && stderr.isTTY === true ? createProgressBar(stderr, count) : undefined;
  // Output to the same terminal would scroll the bar away: erase it around each line instead.
  const sharesTerminal = stdout.isTTY === true;
  let received = 0;
  bar?.update(0);
  try {
    const numbers = explainedStream(
      endpoint,
      client.streamSequence({ count, start }, context.callOptions({ deadline: true })),
    );
    for await (const number of numbers) {
      if (sharesTerminal) bar?.clear();
      await printNumber(context, number);
      received += 1;
      bar?.update(received);
    }
  } finally {
    bar?.clear();
  }
}

function printNumber(context: CliContext, { index, value }: FibonacciNumber): Promise<void> {
  const record: JsonRecord = { index: String(index), value };
  return context.output.result(`${index} ${value}`, record);
}

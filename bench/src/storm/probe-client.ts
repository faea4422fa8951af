import { FibonacciServiceClient } from "@fibchat/contracts/fibonacci/v1";
import { credentials, Metadata } from "@grpc/grpc-js";

// The storm's second client, in its own process so that the storm client's work cannot delay
// it: asks GetSequence(start = 0, count = 3) over and over until its stdin closes, then prints
// {"latenciesMs": […], "failed": n} on one line. Usage: probe-client.js ADDRESS GAP_MS
const [address, gap = "20"] = process.argv.slice(2);
if (address === undefined) throw new Error("usage: probe-client.js ADDRESS [GAP_MS]");
const PROBE_DEADLINE_MS = 30_000;

const client = new FibonacciServiceClient(address, credentials.createInsecure());
let running = true;
process.stdin.on("end", () => {
  running = false;
});
process.stdin.resume();

const latenciesMs: number[] = [];
let failed = 0;
while (running) {
  const sent = performance.now();
  try {
    await getThree();
    latenciesMs.push(performance.now() - sent);
  } catch {
    failed++;
  }
  await new Promise((resolve) => setTimeout(resolve, Number(gap)));
}
client.close();
process.stdout.write(`${JSON.stringify({ latenciesMs, failed })}\n`);

function getThree(): Promise<void> {
  return new Promise((resolve, reject) => {
    client.getSequence(
      { start: 0, count: 3 },
      new Metadata(),
      { deadline: Date.now() + PROBE_DEADLINE_MS },
      (error, response) => {
        if (error) reject(error);
        else if (response.numbers.length !== 3) reject(new Error("wrong answer"));
        else resolve();
      },
    );
  });
}

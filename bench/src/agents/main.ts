import { sendReport } from "./agent-io.js";
import type { AgentReport } from "./agent-report.js";
import { chatPost } from "./chat-post.js";
import { fanOutPost } from "./fan-out-post.js";
import { fanOutReceive } from "./fan-out-receive.js";
import { slowReaders } from "./slow-readers.js";
import type { AgentName } from "./start-agent.js";
import { streamLoad } from "./stream-load.js";
import { unaryLoad } from "./unary-load.js";

// The entry of every load agent: `main.js <agent> --flag=value …`, forked by `startAgent`.
const agents: Record<AgentName, (args: readonly string[]) => Promise<AgentReport>> = {
  "unary-load": unaryLoad,
  "stream-load": streamLoad,
  "chat-post": chatPost,
  "fan-out-receive": fanOutReceive,
  "fan-out-post": fanOutPost,
  "slow-readers": slowReaders,
};

const [name, ...args] = process.argv.slice(2);
const agent = Object.entries(agents).find(([known]) => known === name)?.[1];
if (agent === undefined) {
  process.stderr.write(`unknown agent ${name}; one of ${Object.keys(agents).join(", ")}\n`);
  process.exit(2);
}
await sendReport(await agent(args));
// gRPC channels closed a moment ago may still hold timers; the report is out, so leave now.
process.exit(0);

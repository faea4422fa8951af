#!/usr/bin/env node
import { parseArgs } from "node:util";
import { ChatServiceService } from "@fibchat/contracts/chat/v1";
import { FibonacciServiceService } from "@fibchat/contracts/fibonacci/v1";
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { createChatBaseline } from "./chat-baseline.js";
import { createFibonacciBaseline } from "./fibonacci-baseline.js";

// The baseline process: a bare grpc-js server with one service and default options. It prints
// the same `listening` line as the fibchat servers so the harness starts both the same way.
const { values } = parseArgs({
  options: {
    service: { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "0" },
    "max-queue": { type: "string", default: "1000" },
  },
});

const server = new Server();
if (values.service === "fibonacci") {
  server.addService(FibonacciServiceService, createFibonacciBaseline());
} else if (values.service === "chat") {
  const maxQueue = Number(values["max-queue"]);
  server.addService(ChatServiceService, createChatBaseline({ maxQueue }));
} else {
  process.stderr.write("usage: main.js --service fibonacci|chat [--port N] [--max-queue N]\n");
  process.exit(2);
}

server.bindAsync(
  `${values.host}:${values.port}`,
  ServerCredentials.createInsecure(),
  (error, port) => {
    if (error) {
      process.stderr.write(`cannot listen: ${error.message}\n`);
      process.exit(1);
    }
    const address = `${values.host}:${port}`;
    process.stdout.write(`${JSON.stringify({ msg: `listening on ${address}`, address })}\n`);
  },
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.forceShutdown();
    process.exit(0);
  });
}

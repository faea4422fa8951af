#!/usr/bin/env node
import { createLogger, packageVersion, runServer } from "@fibchat/server-kit";
import { createFibonacciServer } from "./create-server.js";
import { fibonacciServerOptions } from "./fibonacci-options.js";

await runServer({
  command: "fibchat-fibonacci-server",
  summary:
    "Serves fibonacci.v1.FibonacciService: exact Fibonacci numbers, one response or streamed.",
  version: packageVersion(import.meta.url),
  options: fibonacciServerOptions,
  create: async (config) =>
    createFibonacciServer(
      config,
      createLogger({ name: "fibchat-fibonacci-server", level: config.logLevel }),
    ),
});

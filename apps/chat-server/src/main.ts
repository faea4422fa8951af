#!/usr/bin/env node
import { createLogger, packageVersion, runServer } from "@fibchat/server-kit";
import { chatServerOptions } from "./chat-options.js";
import { createChatServer } from "./create-server.js";

await runServer({
  command: "fibchat-chat-server",
  summary:
    "Serves chat.v1.ChatService: rooms with durable, numbered history and live broadcast over a bidi stream.",
  version: packageVersion(import.meta.url),
  options: chatServerOptions,
  create: async (config) => {
    const log = createLogger({ name: "fibchat-chat-server", level: config.logLevel });
    return (await createChatServer(config, log)).app;
  },
});

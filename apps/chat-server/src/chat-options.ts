import { type OptionSpec, parsers, serverOptions } from "@fibchat/server-kit";
import { DEFAULT_FEED_CAPACITY } from "./room-feed/index.js";
import { DEFAULT_MAX_TEXT_BYTES } from "./rules/index.js";
import { parseStoreLocation, type StoreLocation } from "./store-location.js";

/** Default port of the chat server. */
export const DEFAULT_PORT = 50052;

const chatOnly = {
  store: {
    kind: "value",
    flag: "store",
    env: "FIBCHAT_CHAT_STORE",
    valueName: "STORE",
    description:
      "where messages live: sqlite:PATH (a file; its folder is created), memory (lost on exit), or redis://HOST:PORT[/DB] (rediss:// for TLS), which every instance using it shares",
    default: parseStoreLocation("sqlite:data/chat.sqlite"),
    parse: parseStoreLocation,
    formatDefault: () => "sqlite:data/chat.sqlite (relative to the working directory)",
  } satisfies OptionSpec<StoreLocation>,
  maxQueue: {
    kind: "value",
    flag: "max-queue",
    env: "FIBCHAT_CHAT_MAX_QUEUE",
    valueName: "N",
    description:
      "messages a session or follow stream may fall behind before it is ended with RESOURCE_EXHAUSTED",
    default: DEFAULT_FEED_CAPACITY,
    parse: parsers.integer(1, 1_000_000),
  } satisfies OptionSpec<number>,
  maxTextBytes: {
    kind: "value",
    flag: "max-text-bytes",
    env: "FIBCHAT_CHAT_MAX_TEXT_BYTES",
    valueName: "N",
    description: "longest message text accepted, in bytes of UTF-8",
    default: DEFAULT_MAX_TEXT_BYTES,
    parse: parsers.integer(1, 512 * 1024),
  } satisfies OptionSpec<number>,
};

/** Every option of `fibchat-chat-server`: the common server options and its own. */
export const chatServerOptions = { ...serverOptions("FIBCHAT_CHAT", DEFAULT_PORT), ...chatOnly };

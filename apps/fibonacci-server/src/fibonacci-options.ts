import { type OptionSpec, parsers, serverOptions } from "@fibchat/server-kit";

/** Default port of the Fibonacci server. */
export const DEFAULT_PORT = 50051;

const fibonacciOnly = {
  maxCount: {
    kind: "value",
    flag: "max-count",
    env: "FIBCHAT_FIBONACCI_MAX_COUNT",
    valueName: "N",
    description: "most numbers one request may ask for (count)",
    default: 100_000,
    parse: parsers.integer(1, 2 ** 32 - 1),
  },
  maxIndex: {
    kind: "value",
    flag: "max-index",
    env: "FIBCHAT_FIBONACCI_MAX_INDEX",
    valueName: "N",
    description: "highest index n served (start + count - 1); F(1000000) has 208988 digits",
    default: 1_000_000,
    parse: parsers.integer(0, 2 ** 32 - 1),
  },
} satisfies Record<string, OptionSpec<number>>;

/** Every option of `fibchat-fibonacci-server`: the common server options and its limits. */
export const fibonacciServerOptions = {
  ...serverOptions("FIBCHAT_FIBONACCI", DEFAULT_PORT),
  ...fibonacciOnly,
};

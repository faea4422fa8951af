import { type Command, Option } from "@commander-js/extra-typings";
import { parseDurationArgument, parseNonEmpty } from "./arguments.js";

/** Where the servers listen by default: what `pnpm start` starts. */
const DEFAULT_ADDRESSES = {
  fibonacci: "127.0.0.1:50051",
  chat: "127.0.0.1:50052",
} as const;

/**
 * Adds the options every command takes to the root command. commander recognises them before or
 * after the subcommand (`fibchat --json fib get 3` and `fibchat fib get 3 --json`).
 */
export function addGlobalOptions(program: Command) {
  return program
    .addOption(
      new Option("--fib-address <target>", "fibonacci server: host:port or a gRPC target URI")
        .env("FIBCHAT_FIB_ADDRESS")
        .default(DEFAULT_ADDRESSES.fibonacci)
        .argParser(parseNonEmpty),
    )
    .addOption(
      new Option("--chat-address <target>", "chat server: host:port or a gRPC target URI")
        .env("FIBCHAT_CHAT_ADDRESS")
        .default(DEFAULT_ADDRESSES.chat)
        .argParser(parseNonEmpty),
    )
    .addOption(
      new Option("--tls", "connect with TLS, verifying the server against the system roots"),
    )
    .addOption(new Option("--ca <file>", "PEM CA bundle to verify the server with (implies --tls)"))
    .addOption(
      new Option("--cert <file>", "PEM client certificate for mTLS (with --key; implies --tls)"),
    )
    .addOption(new Option("--key <file>", "PEM private key of --cert"))
    .addOption(
      new Option("--token <token>", "bearer token sent as `authorization: Bearer TOKEN`")
        .env("FIBCHAT_TOKEN")
        .argParser(parseNonEmpty),
    )
    .addOption(
      new Option(
        "--timeout <duration>",
        "deadline of each call (500ms, 5s, 1m); see `fibchat --help` for streams and chat",
      ).argParser(parseDurationArgument),
    )
    .addOption(new Option("--json", "print one JSON object per result line (numbers as strings)"))
    .addOption(new Option("--no-color", "never colour the output (also: NO_COLOR=1)"));
}

/** The parsed global options, as the commands' context reads them. */
export type GlobalOptions = ReturnType<ReturnType<typeof addGlobalOptions>["opts"]>;

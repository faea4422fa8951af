import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { chatCommand } from "./commands/chat.js";
import { fibCommand } from "./commands/fib.js";
import { healthCommand } from "./commands/health.js";
import { tokenCommand } from "./commands/token.js";
import type { CliContext, CliIo } from "./context.js";
import { addGlobalOptions, type GlobalOptions } from "./global-options.js";

/** What {@link createProgram} needs from the run. */
export interface ProgramDeps {
  readonly version: string;
  readonly io: CliIo;
  /** Builds (once) the context commands run in, from the parsed global options. */
  readonly context: (options: GlobalOptions) => CliContext;
}

const ROOT_HELP = `
Addresses:
  host:port, or a gRPC target URI such as dns:///fib.internal:50051 or
  ipv4:127.0.0.1:50051,127.0.0.1:50061; a target URI spreads calls over every address it
  resolves to (round robin).

Timeouts:
  --timeout is the gRPC deadline of each call that ends by itself: fib get, fib stream,
  chat send, chat stats, chat read and health (which defaults to 5s). It does not apply to
  chat read --follow or the interactive chat; piping into chat, each line must be
  acknowledged within it.

Output:
  Results go to stdout, everything else (errors, progress) to stderr. --json prints one JSON
  object per line, with every number (and uint64 id) as a string and times in ISO 8601.

Exit codes:
  0    success
  1    an RPC failed, a message was rejected, or a server is not serving
  2    usage error: a bad command, flag or argument (nothing was sent)
  130  interrupted (Ctrl-C)

Examples:
  $ pnpm start                      # in another terminal: both servers
  $ fibchat fib get 10
  $ fibchat chat --room general
  $ fibchat health`;

/**
 * The `fibchat` command tree, parsing only: it never exits the process. A usage error throws
 * commander's `CommanderError`, whose message has already been written to `io.stderr`.
 */
export function createProgram(deps: ProgramDeps): CommandUnknownOpts {
  const program = addGlobalOptions(new Command("fibchat"))
    .description("Command-line client of the fibchat servers: Fibonacci numbers and chat rooms.")
    .version(deps.version, "--version", "print the version and exit")
    .addHelpText("after", ROOT_HELP);
  const context = () => deps.context(program.opts());
  program
    .addCommand(fibCommand(context))
    .addCommand(chatCommand(context))
    .addCommand(healthCommand(context))
    .addCommand(tokenCommand(context));
  configureTree(program, deps.io);
  return program;
}

// `addCommand` does not copy settings to subcommands (only `.command()` does), so every
// command of the tree is configured here, once it is complete.
function configureTree(command: CommandUnknownOpts, io: CliIo): void {
  command
    .exitOverride()
    .showHelpAfterError("(add --help for usage and examples)")
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(text.replace(/^error: /, "fibchat: ")),
    });
  for (const subcommand of command.commands) configureTree(subcommand, io);
}

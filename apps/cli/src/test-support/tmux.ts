import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { waitFor } from "./poll.js";
import { hermeticEnv } from "./server-process.js";

const run = promisify(execFile);
let sessions = 0;

/** A program running in a detached tmux session: a real terminal the test types into. */
export interface TmuxSession {
  /** Sends keys as `tmux send-keys` does: text, or key names such as `Enter`, `C-u`, `C-d`. */
  sendKeys(...keys: string[]): Promise<void>;
  /** The visible screen, one string, trailing blank lines removed. */
  screen(): Promise<string>;
  /** Polls the screen until `matches` accepts it, and returns it. */
  waitForScreen(what: string, matches: (screen: string) => boolean): Promise<string>;
  /** Waits for the program to exit and returns its exit status. */
  exitStatus(): Promise<number>;
  /** Kills the session and its tmux server. */
  kill(): Promise<void>;
}

/**
 * Runs `command` in a new detached tmux session of `columns` × `rows`, on a tmux server of its
 * own (`-L`), so tests never touch a user's tmux. The screen stays after the program exits, with
 * its exit status. Fails, saying to install tmux, when tmux is missing.
 */
export async function startTmux(
  command: readonly string[],
  size: { readonly columns: number; readonly rows: number } = { columns: 120, rows: 30 },
): Promise<TmuxSession> {
  sessions += 1;
  const socket = `fibchat-test-${process.pid}-${sessions}`;
  const name = `cli${sessions}`;
  const tmux = (...args: string[]) =>
    run("tmux", ["-L", socket, ...args], { env: hermeticEnv() }).then(({ stdout }) => stdout);
  try {
    await tmux("-V");
  } catch (error) {
    throw new Error(
      "tmux is required for the interactive chat tests and was not found: install it (apt-get install tmux); CI installs it",
      { cause: error },
    );
  }
  // The exit status is printed on the screen by a shell around the program, which then stays,
  // keeping the screen: tmux 3.3's own remain-on-exit sometimes never reaps the process (no
  // #{pane_dead_status}) or blanks the screen. The no-op trap keeps the shell alive through a
  // Ctrl-C meant for the program (dash would die of it); the program starts with the default
  // SIGINT action, since exec resets caught signals.
  const reportExit = 'trap : INT; "$0" "$@"; echo "[exit status $?]"; exec sleep 3600';
  await tmux(
    "new-session",
    "-d",
    "-s",
    name,
    "-x",
    String(size.columns),
    "-y",
    String(size.rows),
    "sh",
    "-c",
    reportExit,
    ...command,
  );
  const screen = async () => (await tmux("capture-pane", "-p", "-t", name)).trimEnd();
  let lastScreen = "";
  return {
    sendKeys: async (...keys) => {
      await tmux("send-keys", "-t", name, ...keys);
    },
    screen,
    waitForScreen: (what, matches) =>
      waitFor(
        async () => {
          lastScreen = await screen();
          return matches(lastScreen) ? lastScreen : undefined;
        },
        { what, describe: () => lastScreen },
      ),
    exitStatus: () =>
      waitFor(
        async () => {
          lastScreen = await screen();
          const status = /\[exit status (\d+)\]/.exec(lastScreen)?.[1];
          return status === undefined ? undefined : Number(status);
        },
        { what: "the program in tmux to exit", describe: () => lastScreen },
      ),
    kill: async () => {
      await tmux("kill-server").catch(() => {});
    },
  };
}

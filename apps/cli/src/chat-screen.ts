import {
  clearScreenDown,
  cursorTo,
  emitKeypressEvents,
  type Interface,
  type Key,
  moveCursor,
} from "node:readline";
import type { InputStream, PrintStream } from "./context.js";

/** The terminal of an interactive chat: messages scroll above a prompt that keeps your typing. */
export interface ChatScreen {
  /**
   * Prints `text` above the prompt: erases the prompt and what is typed, prints, and redraws
   * both with the cursor where it was, so arriving messages never mangle a half-typed line.
   */
  print(text: string): void;
  /** Removes the line just submitted with Enter, which readline left on screen. */
  eraseSubmitted(): void;
  /** Erases the prompt and stops redrawing it (readline closed); later prints are plain lines. */
  close(): void;
}

/**
 * Wraps a terminal `readline` interface reading `input` and drawing on `output`. Only readline's
 * public API is used: `getCursorPos()` for where the prompt block starts, `prompt(true)` to
 * redraw it, and `write(null, key)` to move the cursor.
 */
export function createChatScreen(
  rl: Interface,
  input: InputStream,
  output: PrintStream,
): ChatScreen {
  let open = true;
  let submittedRows = 1;
  // readline leaves an entered line on screen and moves below it. How many rows it took is
  // known only before readline handles Enter, so this listener runs first: it moves the cursor
  // to the end of the input (Ctrl-E) and measures. `emitKeypressEvents` is idempotent and is
  // what readline itself calls on a terminal input.
  emitKeypressEvents(input);
  const onKeypress = (_chunk: string | undefined, key: Key | undefined) => {
    if (!open || (key?.name !== "return" && key?.name !== "enter")) return;
    rl.write(null, { ctrl: true, name: "e" });
    submittedRows = rl.getCursorPos().rows + 1;
  };
  input.prependListener("keypress", onKeypress);

  const clearBlock = (rows: number) => {
    moveCursor(output, 0, -rows);
    cursorTo(output, 0);
    clearScreenDown(output);
  };

  return {
    print(text) {
      if (!open) {
        output.write(`${text}\n`);
        return;
      }
      clearBlock(rl.getCursorPos().rows);
      output.write(`${text}\n`);
      rl.prompt(true);
    },
    eraseSubmitted() {
      if (open) clearBlock(submittedRows);
    },
    close() {
      if (open) clearBlock(rl.getCursorPos().rows);
      open = false;
      input.removeListener("keypress", onKeypress);
    },
  };
}

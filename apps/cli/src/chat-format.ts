import type { ChatMessage } from "@fibchat/contracts/chat/v1";
import type { JsonRecord } from "./output.js";
import type { Style } from "./style.js";

/** How much of the timestamp a printed message shows. */
export type Clock = "date-time" | "time";

/**
 * One message as people read it: `#12 2025-01-31 09:05:00 alice: hi` (`time` drops the id and
 * date, for the live chat screen). Times are local; `self` gets its own colour.
 */
export function formatMessage(
  message: ChatMessage,
  style: Style,
  options: { readonly clock: Clock; readonly self?: string | undefined },
): string {
  const { id, author, text, sentAt } = message;
  const when = sentAt === undefined ? "" : formatLocalTime(sentAt, options.clock);
  const who = author === options.self ? style.self(author) : style.name(author);
  const prefix = options.clock === "date-time" ? `${style.dim(`#${id}`)} ` : "";
  return `${prefix}${style.dim(when)} ${who}: ${text}`;
}

/** One message as `--json` prints it: the id as a string, the time in ISO 8601 (UTC). */
export function messageRecord({ room, id, author, text, sentAt }: ChatMessage): JsonRecord {
  return { room, id: String(id), author, text, sentAt: sentAt?.toISOString() ?? null };
}

/** `2025-01-31 09:05:00` (or `09:05:00`) in the local time zone. */
export function formatLocalTime(date: Date, clock: Clock): string {
  const two = (n: number) => String(n).padStart(2, "0");
  const time = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
  if (clock === "time") return time;
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${time}`;
}

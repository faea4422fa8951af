import type { ChatMessage } from "@fibchat/contracts/chat/v1";
import type { StoredMessage } from "../store/index.js";

/** The wire form of a stored message. */
export function toChatMessage({ room, id, author, text, sentAt }: StoredMessage): ChatMessage {
  return { room, id, author, text, sentAt };
}

export { MAX_AUTHOR_CHARACTERS, parseAuthor } from "./author.js";
export { MAX_CLIENT_MESSAGE_ID_CHARACTERS, parseClientMessageId } from "./client-message-id.js";
export { DEFAULT_ROOM, parseRoom } from "./room.js";
export type { RuleResult } from "./rule-result.js";
export { DEFAULT_MAX_TEXT_BYTES, parseText } from "./text.js";

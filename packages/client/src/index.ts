export type { CallOptions } from "./call/call-options.js";
export { READ_AHEAD, readStream } from "./call/read-stream.js";
export {
  DEFAULT_RESUME_POLICY,
  type ReconnectEvent,
  type ResumePolicy,
} from "./call/resume-policy.js";
export {
  type ChatClient,
  createChatClient,
  type ListRoomsRequest,
  type MessagesOptions,
  type MessagesRequest,
} from "./chat/chat-client.js";
export type {
  ChatSession,
  JoinedRoom,
  JoinOptions,
  PostResult,
  PresenceChange,
  SessionOptions,
} from "./chat/chat-session.js";
export type { ClientOptions, TlsOptions } from "./client-options.js";
export {
  FibchatError,
  isConnectionRefused,
  MessagesRemovedError,
  PostRejectedError,
  type StatusName,
  toFibchatError,
} from "./fibchat-error.js";
export {
  createFibonacciClient,
  type FibonacciClient,
  type StreamSequenceOptions,
} from "./fibonacci/fibonacci-client.js";
export { createHealthClient, type HealthClient, type ServingStatus } from "./health-client.js";

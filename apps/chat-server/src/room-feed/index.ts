export { type ConnectedSessions, createConnectedSessions } from "./connected-sessions.js";
export { createOwnPosts, type OwnPosts } from "./own-posts.js";
export {
  DEFAULT_FEED_CAPACITY,
  openRoomFeed,
  type RoomFeed,
  type RoomFeedOptions,
} from "./room-feed.js";
export { SlowConsumerError } from "./slow-consumer-error.js";

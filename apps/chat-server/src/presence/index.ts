export { createLocalPresence, type LocalPresenceOptions } from "./local-presence.js";
export {
  byArrival,
  type LeaveRoom,
  MAX_MEMBERS_LISTED,
  type OccupiedRoom,
  type Presence,
  type PresenceEvent,
  type PresenceListener,
  type PresenceRegistry,
} from "./presence-registry.js";

import type { SendAndReceiveMessageResponse } from "@fibchat/contracts/chat/v1";
import type { SharedResponses } from "@fibchat/server-kit";
import type { StoredMessage } from "../store/index.js";
import { toChatMessage } from "./to-chat-message.js";

/**
 * Stored messages whose response object is kept for the sessions still to deliver them: at
 * --max-queue's default every session that is not being cut off for lagging is within this many
 * messages of the newest.
 */
export const KEPT_DELIVERIES = 1024;

/** The response that delivers a stored message to a session, one object per message. */
export interface MessageDeliveries {
  /**
   * The `message` event for `message`: the same (shared) object for every session that
   * delivers the same stored message while it is among the {@link KEPT_DELIVERIES} newest asked
   * for, so it is built and encoded once for all of them (bench/results/NOTES.md §10).
   */
  responseTo(message: StoredMessage): SendAndReceiveMessageResponse;
}

/**
 * Creates {@link MessageDeliveries} whose responses are shared through `shared`, the serializer
 * of `SendAndReceiveMessage`. Responses are found by the stored message's identity: a store
 * hands every listener the same object. Only the newest `kept` are remembered, not one per
 * message the store holds: a `WeakMap` keyed by the message would keep a response and its bytes
 * for as long as the memory store keeps the message, that is for ever. A session that delivers
 * an older message gets a response of its own, which is as correct, only not shared.
 */
export function createMessageDeliveries(
  shared: SharedResponses<SendAndReceiveMessageResponse>,
  kept = KEPT_DELIVERIES,
): MessageDeliveries {
  // A Map iterates in insertion order: the first key is the oldest kept.
  const responses = new Map<StoredMessage, SendAndReceiveMessageResponse>();
  return {
    responseTo(message) {
      const known = responses.get(message);
      if (known !== undefined) return known;
      const response = shared.share({ event: { $case: "message", value: toChatMessage(message) } });
      responses.set(message, response);
      if (responses.size > kept) {
        const oldest = responses.keys().next();
        if (!oldest.done) responses.delete(oldest.value);
      }
      return response;
    },
  };
}

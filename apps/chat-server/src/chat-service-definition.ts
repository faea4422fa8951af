import { ChatServiceService, type SendAndReceiveMessageResponse } from "@fibchat/contracts/chat/v1";
import { createSharedResponses, type SharedResponses } from "@fibchat/server-kit";

/** The chat service's definition for `addService`, and the responses its sessions share. */
export interface ChatServiceDefinition {
  readonly definition: typeof ChatServiceService;
  readonly sessionResponses: SharedResponses<SendAndReceiveMessageResponse>;
}

/**
 * The generated `ChatServiceService` with one change: `SendAndReceiveMessage` responses shared
 * between sessions (a room's message, delivered to each of its sessions) are encoded once and
 * their bytes reused; any other response goes through the generated encoder on each call. The
 * wire format is the contract's, byte for byte: the bytes are the generated encoder's.
 */
export function chatServiceDefinition(): ChatServiceDefinition {
  const method = ChatServiceService.sendAndReceiveMessage;
  const sessionResponses = createSharedResponses(method.responseSerialize);
  return {
    definition: {
      ...ChatServiceService,
      sendAndReceiveMessage: { ...method, responseSerialize: sessionResponses.serialize },
    },
    sessionResponses,
  };
}

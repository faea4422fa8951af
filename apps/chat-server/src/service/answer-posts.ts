import type {
  PostMessage,
  SendAndReceiveMessageRequest,
  SendAndReceiveMessageResponse,
} from "@fibchat/contracts/chat/v1";
import { RpcError } from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import type { OwnPosts } from "../room-feed/index.js";
import { parseClientMessageId, parseText } from "../rules/index.js";
import type { MessageStore } from "../store/index.js";
import { toChatMessage } from "./to-chat-message.js";

/** Posts of one session being stored at once: enough for group commit to batch a burst. */
const MAX_POSTS_IN_FLIGHT = 64;

/** Who is posting, and under which rules. */
export interface PostingSession {
  readonly store: MessageStore;
  readonly room: string;
  readonly author: string;
  readonly maxTextBytes: number;
  readonly ownPosts: OwnPosts;
}

/**
 * Answers every post of a session after its join, in order: `ack` once stored, `rejected` when a
 * rule refuses it. Up to {@link MAX_POSTS_IN_FLIGHT} posts are stored concurrently, so a client
 * that pipelines posts is not held to one per commit; no more are read while that many wait, so a
 * client that does not read its acks is pushed back on. Ends when the client half-closes and every
 * answer is out. A second join, or a request with no action, ends the session with an error.
 */
export async function* answerPosts(
  requests: AsyncIterator<SendAndReceiveMessageRequest>,
  session: PostingSession,
): AsyncGenerator<SendAndReceiveMessageResponse> {
  const answers: Promise<SendAndReceiveMessageResponse>[] = [];
  let nextRequest: Promise<IteratorResult<SendAndReceiveMessageRequest>> | undefined = handled(
    requests.next(),
  );
  for (;;) {
    const oldest = answers[0];
    if (nextRequest === undefined || answers.length >= MAX_POSTS_IN_FLIGHT) {
      if (oldest === undefined) return;
      answers.shift();
      yield await oldest;
      continue;
    }
    const next = await (oldest === undefined
      ? nextRequest.then((request) => ({ request }))
      : Promise.race([
          nextRequest.then((request) => ({ request })),
          oldest.then(() => ({ request: undefined })),
        ]));
    if (next.request === undefined) {
      answers.shift();
      if (oldest !== undefined) yield await oldest;
      continue;
    }
    if (next.request.done) {
      nextRequest = undefined;
      continue;
    }
    answers.push(handled(answer(next.request.value, session)));
    nextRequest = handled(requests.next());
  }
}

function answer(
  request: SendAndReceiveMessageRequest,
  session: PostingSession,
): Promise<SendAndReceiveMessageResponse> {
  const { action } = request;
  if (action?.$case === "join") {
    return Promise.reject(
      new RpcError(
        status.FAILED_PRECONDITION,
        "this session has already joined a room; open a new session to join another",
      ),
    );
  }
  if (action === undefined) {
    return Promise.reject(
      new RpcError(
        status.INVALID_ARGUMENT,
        "the request has no action: set post (or join, as the first request)",
      ),
    );
  }
  return post(action.value, session);
}

async function post(
  { text, clientMessageId }: PostMessage,
  { store, room, author, maxTextBytes, ownPosts }: PostingSession,
): Promise<SendAndReceiveMessageResponse> {
  const id = parseClientMessageId(clientMessageId);
  const body = parseText(text, maxTextBytes);
  const problem = !id.ok ? id.reason : !body.ok ? body.reason : undefined;
  if (problem !== undefined) {
    return { event: { $case: "rejected", value: { clientMessageId, reason: problem } } };
  }
  const { message, duplicate } = await ownPosts.track(
    store.append({ room, author, text, clientMessageId }),
  );
  return {
    event: { $case: "ack", value: { clientMessageId, message: toChatMessage(message), duplicate } },
  };
}

// Answers and the next request wait while something else is awaited; one that fails meanwhile
// must not count as an unhandled rejection. Its error still reaches the session when its turn comes.
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

import type {
  MessageRejected,
  PostMessage,
  SendAndReceiveMessageRequest,
  SendAndReceiveMessageResponse,
} from "@fibchat/contracts/chat/v1";
import { RpcError } from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import type { OwnPosts } from "../room-feed/index.js";
import { parseClientMessageId, parseText } from "../rules/index.js";
import type { MessageStore } from "../store/index.js";
import type { RateRejection } from "./chat-limits.js";
import type { ChatMetrics, RejectReason } from "./chat-metrics.js";
import { createInbox } from "./inbox.js";
import type { SessionTrace } from "./session-trace.js";
import { toChatMessage } from "./to-chat-message.js";

/** A post being answered; `outcome` is set once its answer has settled. */
interface PendingAnswer {
  outcome:
    | { readonly ok: true; readonly response: SendAndReceiveMessageResponse }
    | { readonly ok: false; readonly error: unknown }
    | undefined;
}

/** Posts of one session being stored at once: enough for group commit to batch a burst. */
const MAX_POSTS_IN_FLIGHT = 64;

/** Who is posting, and under which rules. */
export interface PostingSession {
  readonly store: MessageStore;
  readonly room: string;
  readonly author: string;
  readonly maxTextBytes: number;
  readonly ownPosts: OwnPosts;
  /** Why this session may not post (its user lacks chat.write), or `undefined` when it may. */
  readonly postingDenied: string | undefined;
  /**
   * Takes a post from the caller's `--post-rate` allowance: the reason to reject it with when
   * there is none left, else `undefined`.
   */
  readonly takeAllowance: () => RateRejection | undefined;
  /** Counts stored and rejected posts. */
  readonly metrics: ChatMetrics;
  /** Records the first posts as events of the session's span. */
  readonly trace: SessionTrace;
}

/**
 * Answers every post of a session after its join, in order: `ack` once stored, `rejected` when a
 * rule or the rate limit refuses it. Up to {@link MAX_POSTS_IN_FLIGHT} posts are stored concurrently, so a client
 * that pipelines posts is not held to one per commit; no more are read while that many wait, so a
 * client that does not read its acks is pushed back on. Ends when the client half-closes and every
 * answer is out. A second join, or a request with no action, ends the session with an error.
 */
export async function* answerPosts(
  requests: AsyncIterator<SendAndReceiveMessageRequest>,
  session: PostingSession,
): AsyncGenerator<SendAndReceiveMessageResponse> {
  /** Answers in the order of their posts, each with its outcome once it has settled. */
  const pending: PendingAnswer[] = [];
  // Woken by an arriving request or a settling answer: each promise hands over exactly once.
  const inbox = createInbox<IteratorResult<SendAndReceiveMessageRequest> | "settled">();
  let pulling = false;
  let ended = false;
  const pullRequest = () => {
    pulling = true;
    requests.next().then((result) => {
      pulling = false;
      inbox.push(result);
    }, inbox.fail);
  };
  for (;;) {
    for (let head = pending[0]; head?.outcome !== undefined; head = pending[0]) {
      pending.shift();
      // Taken from the settled outcome rather than awaited again: one promise reaction less a post.
      if (!head.outcome.ok) throw head.outcome.error;
      yield head.outcome.response;
    }
    if (ended && pending.length === 0) return;
    if (!ended && !pulling && pending.length < MAX_POSTS_IN_FLIGHT) pullRequest();
    const event = await inbox.take();
    if (event === "settled") continue;
    if (event.done) {
      ended = true;
      continue;
    }
    const entry: PendingAnswer = { outcome: undefined };
    answer(event.value, session).then(
      (response) => {
        entry.outcome = { ok: true, response };
        inbox.push("settled");
      },
      (error: unknown) => {
        entry.outcome = { ok: false, error };
        inbox.push("settled");
      },
    );
    pending.push(entry);
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
  {
    store,
    room,
    author,
    maxTextBytes,
    ownPosts,
    postingDenied,
    takeAllowance,
    metrics,
    trace,
  }: PostingSession,
): Promise<SendAndReceiveMessageResponse> {
  const id = parseClientMessageId(clientMessageId);
  const body = parseText(text, maxTextBytes);
  const refuse = (value: MessageRejected, reason: RejectReason) => {
    metrics.rejectedPosts[reason] += 1;
    trace.posted("rejected", reason);
    return rejected(value);
  };
  // Every post counts against the rate, a broken or unpermitted one too: the limit is on what a
  // client sends. A post refused for its rate never reaches the store, so its client_message_id
  // stays unseen and the same post sent again after the wait is stored once.
  const limited = takeAllowance();
  if (limited !== undefined) {
    const { reason, retryAfterMs } = limited;
    return refuse(
      { clientMessageId, reason, retryAfterMs, code: status.RESOURCE_EXHAUSTED },
      "rate_limited",
    );
  }
  if (postingDenied !== undefined) {
    return refuse(
      { clientMessageId, reason: postingDenied, code: status.PERMISSION_DENIED },
      "permission",
    );
  }
  const problem = !id.ok ? id.reason : !body.ok ? body.reason : undefined;
  if (problem !== undefined) {
    return refuse({ clientMessageId, reason: problem, code: status.INVALID_ARGUMENT }, "invalid");
  }
  const { message, duplicate } = await ownPosts.track(
    store.append({ room, author, text, clientMessageId }),
  );
  if (!duplicate) metrics.messagesStored += 1;
  trace.posted(duplicate ? "duplicate" : "ack", undefined, message.id);
  return {
    event: { $case: "ack", value: { clientMessageId, message: toChatMessage(message), duplicate } },
  };
}

function rejected(value: MessageRejected): SendAndReceiveMessageResponse {
  return { event: { $case: "rejected", value } };
}

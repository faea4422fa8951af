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
import type { SessionTrace } from "./session-trace.js";
import { toChatMessage } from "./to-chat-message.js";

/** A post being answered; `outcome` is set once its answer has settled. */
interface PendingAnswer {
  outcome:
    | { readonly ok: true; readonly response: SendAndReceiveMessageResponse }
    | { readonly ok: false; readonly error: unknown }
    | undefined;
}

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

/** Where {@link PostAnswers} hands its answers, in the order of the posts. */
export interface AnswerSink {
  /** The answer to the oldest post not yet answered: an `ack` or a `rejected`. */
  answer(response: SendAndReceiveMessageResponse): void;
  /**
   * The oldest post not yet answered ends the session with `error` (a second join, a request
   * with no action, or a store failure). Nothing is handed out after it.
   */
  fail(error: unknown): void;
}

/** The answering of one session's posts. */
export interface PostAnswers {
  /** Posts being answered: read, their answer not yet handed out. */
  readonly pending: number;
  /**
   * Starts answering `request` (read after the join): `ack` once stored, `rejected` when a rule or
   * the rate limit refuses it. Posts are stored concurrently, so a client that pipelines posts
   * is not held to one per commit; their answers are handed out in the order of the posts.
   */
  answer(request: SendAndReceiveMessageRequest): void;
}

/** Creates the {@link PostAnswers} of `session`, handing answers to `sink`. */
export function createPostAnswers(session: PostingSession, sink: AnswerSink): PostAnswers {
  /** Answers in the order of their posts, each with its outcome once it has settled. */
  const pending: PendingAnswer[] = [];
  let failed = false;
  const handOut = () => {
    for (let head = pending[0]; head?.outcome !== undefined; head = pending[0]) {
      pending.shift();
      if (failed) continue;
      if (head.outcome.ok) {
        sink.answer(head.outcome.response);
      } else {
        failed = true;
        sink.fail(head.outcome.error);
      }
    }
  };
  return {
    get pending() {
      return pending.length;
    },
    answer(request) {
      // The session is ending with an error: a post read after it is neither stored nor answered.
      if (failed) return;
      const entry: PendingAnswer = { outcome: undefined };
      pending.push(entry);
      answer(request, session).then(
        (response) => {
          entry.outcome = { ok: true, response };
          handOut();
        },
        (error: unknown) => {
          entry.outcome = { ok: false, error };
          handOut();
        },
      );
    },
  };
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
    clientMessageId,
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

import type {
  JoinRoom,
  SendAndReceiveMessageRequest,
  SendAndReceiveMessageResponse,
} from "@fibchat/contracts/chat/v1";
import { type CallContext, RpcError } from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import { type ConnectedSessions, createOwnPosts, openRoomFeed } from "../room-feed/index.js";
import { parseAuthor, parseRoom } from "../rules/index.js";
import type { MessageStore } from "../store/index.js";
import { answerPosts } from "./answer-posts.js";
import type { ChatMetrics } from "./chat-metrics.js";
import { required } from "./request-rules.js";
import { slowConsumerRpcError, slowConsumerStatus } from "./slow-consumer-status.js";
import { toChatMessage } from "./to-chat-message.js";

/** What a chat session needs. */
export interface ChatSessionDeps {
  readonly store: MessageStore;
  readonly sessions: ConnectedSessions;
  readonly maxQueue: number;
  readonly maxTextBytes: number;
  readonly metrics: ChatMetrics;
}

/**
 * `SendAndReceiveMessage`: a join, then posts answered with acks (or rejections), interleaved
 * with every message other sessions store in the room (after a replay when asked), until the
 * client half-closes and every post is answered.
 */
export function createChatSession(deps: ChatSessionDeps) {
  return async function* chatSession(
    requests: AsyncIterable<SendAndReceiveMessageRequest>,
    context: CallContext,
  ): AsyncGenerator<SendAndReceiveMessageResponse> {
    const input = requests[Symbol.asyncIterator]();
    const first = await input.next();
    // A client may half-close without sending anything (gRPC interop `empty_stream`): end OK.
    if (first.done) return;
    const join = first.value.action?.$case === "join" ? first.value.action.value : undefined;
    if (join === undefined) {
      throw new RpcError(
        status.FAILED_PRECONDITION,
        "the first request of a session must be join: send join { room, author } first",
      );
    }
    yield* inRoom(join, input, context, deps);
  };
}

async function* inRoom(
  join: JoinRoom,
  input: AsyncIterator<SendAndReceiveMessageRequest>,
  context: CallContext,
  { store, sessions, maxQueue, maxTextBytes, metrics }: ChatSessionDeps,
): AsyncGenerator<SendAndReceiveMessageResponse> {
  const room = required(parseRoom(join.room));
  const author = required(parseAuthor(join.author));
  const leave = sessions.enter(room);
  const done = new AbortController();
  const signal = AbortSignal.any([context.signal, done.signal]);
  const ownPosts = createOwnPosts(author);
  const roomFeed = openRoomFeed({
    store,
    room,
    afterId: join.replayAfterId,
    capacity: maxQueue,
    signal,
    // The feed is full while this session is blocked writing to its slow client: end the call
    // now rather than when the loop next reads the feed.
    onSlowConsumer: (error) => context.end(slowConsumerRpcError(error, "replay_after_id")),
  });
  const feed = roomFeed[Symbol.asyncIterator]();
  const answers = answerPosts(input, { store, room, author, maxTextBytes, ownPosts });
  let nextAnswer = settled(answers.next());
  let nextMessage = settled(feed.next());
  try {
    for (;;) {
      const event = await Promise.race([
        nextAnswer.then((answer) => ({ answer })),
        nextMessage.then((message) => ({ message })),
      ]);
      if ("answer" in event) {
        // The client half-closed and every post is answered: the session is over.
        if (event.answer.done) return;
        yield event.answer.value;
        nextAnswer = settled(answers.next());
        continue;
      }
      if (event.message.done) {
        nextMessage = new Promise(() => {});
        continue;
      }
      const message = event.message.value;
      nextMessage = settled(feed.next());
      // Own posts were acknowledged; the session receives the messages of the others.
      if (!(await ownPosts.isOwn(message)))
        yield { event: { $case: "message", value: toChatMessage(message) } };
    }
  } catch (error) {
    throw slowConsumerStatus(error, "replay_after_id");
  } finally {
    metrics.feedQueueHighWaterMark = Math.max(
      metrics.feedQueueHighWaterMark,
      roomFeed.queueHighWaterMark,
    );
    done.abort();
    leave();
    void answers.return(undefined).catch(() => {});
  }
}

// Both sources are raced on every turn; the loser's eventual rejection is handled here so it
// cannot become an unhandledRejection, and still reaches the loop when it is awaited.
function settled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

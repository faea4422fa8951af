import { ChatServiceClient } from "@fibchat/contracts/chat/v1";
import { FibonacciServiceClient } from "@fibchat/contracts/fibonacci/v1";
import { type ChannelOptions, credentials } from "@grpc/grpc-js";

// grpc-js shares one connection among channels to the same target unless told otherwise; each
// client here stands for a separate user, so each gets its own connection (and flow control).
export const OWN_CONNECTION: ChannelOptions = { "grpc.use_local_subchannel_pool": 1 };

/** A Fibonacci client on a connection of its own. */
export function fibonacciClient(target: string): FibonacciServiceClient {
  return new FibonacciServiceClient(target, credentials.createInsecure(), OWN_CONNECTION);
}

/** A chat client on a connection of its own. */
export function chatClient(target: string): ChatServiceClient {
  return new ChatServiceClient(target, credentials.createInsecure(), OWN_CONNECTION);
}

/** Resolves once `room` has `sessions` connected sessions (GetStats), polling. */
export async function waitForSessions(
  client: ChatServiceClient,
  room: string,
  sessions: number,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const connected = await new Promise<number>((resolve, reject) =>
      client.getStats({ room }, (error, stats) =>
        error ? reject(error) : resolve(stats.connectedClients),
      ),
    );
    if (connected >= sessions) return;
    if (performance.now() > deadline) {
      throw new Error(`only ${connected} of ${sessions} sessions joined ${room}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A failure as one line, with the gRPC status code when there is one. */
export function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    return "code" in error ? `${String(error.code)} ${error.message}` : error.message;
  }
  return String(error);
}

import {
  HealthClient as GeneratedHealthClient,
  type HealthCheckResponse,
  HealthCheckResponse_ServingStatus,
} from "@fibchat/contracts/grpc/health/v1";
import { type CallOptions, prepareCall } from "./call/call-options.js";
import { unary } from "./call/unary.js";
import { type ClientOptions, channelCredentials, channelOptions } from "./client-options.js";

/** A health status by name, as `grpc.health.v1` defines it. */
export type ServingStatus = keyof typeof HealthCheckResponse_ServingStatus;

/** A typed client of the standard `grpc.health.v1.Health` service that both servers serve. */
export interface HealthClient {
  /**
   * The status of `service` (`""`: the server as a whole; `fibonacci.v1.FibonacciService`,
   * `chat.v1.ChatService`). An unknown service rejects with `NOT_FOUND`.
   */
  check(service?: string, options?: CallOptions): Promise<ServingStatus>;
  /** Closes the channel. */
  close(): void;
}

/** Creates a {@link HealthClient} for `target`. */
export function createHealthClient(target: string, options: ClientOptions = {}): HealthClient {
  const client = new GeneratedHealthClient(
    target,
    channelCredentials(options.tls),
    channelOptions(target, options),
  );
  return {
    async check(service = "", callOptions) {
      const call = prepareCall(target, options, callOptions);
      const response = await unary<HealthCheckResponse>(
        target,
        call,
        (metadata, grpcOptions, callback) =>
          client.check({ service }, metadata, grpcOptions, callback),
      );
      return statusName(response.status);
    },
    close: () => client.close(),
  };
}

function statusName(status: HealthCheckResponse_ServingStatus): ServingStatus {
  switch (status) {
    case HealthCheckResponse_ServingStatus.SERVING:
      return "SERVING";
    case HealthCheckResponse_ServingStatus.NOT_SERVING:
      return "NOT_SERVING";
    case HealthCheckResponse_ServingStatus.SERVICE_UNKNOWN:
      return "SERVICE_UNKNOWN";
    case HealthCheckResponse_ServingStatus.UNKNOWN:
      return "UNKNOWN";
    default:
      return "UNRECOGNIZED";
  }
}

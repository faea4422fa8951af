import { ServerInterceptingCall, type ServerInterceptor } from "@grpc/grpc-js";
import { cancelledCode } from "../server/cancelled-code.js";
import type { GrpcServerMetrics } from "./grpc-server-metrics.js";

/**
 * Counts every call into {@link GrpcServerMetrics}: started when it arrives, each message in and
 * out, and its status and duration when it ends (a cancelled or expired call ends with
 * `CANCELLED` or `DEADLINE_EXCEEDED`). Per call it only adds to plain numbers.
 */
export function metricsInterceptor(metrics: GrpcServerMetrics): ServerInterceptor {
  return (method, call) => {
    const series = metrics.seriesOf(method.path);
    series.started += 1;
    const startedAt = performance.now();
    let finished = false;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      series.handle(code, (performance.now() - startedAt) / 1000);
    };
    return new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMessage(message, nextMessage) {
            series.received += 1;
            nextMessage(message);
          },
          onCancel() {
            finish(cancelledCode(call));
          },
        });
      },
      sendMessage(message, next) {
        series.sent += 1;
        next(message);
      },
      sendStatus(statusObject, next) {
        finish(statusObject.code);
        next(statusObject);
      },
    });
  };
}

import {
  type HealthServer,
  HealthService,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "@fibchat/contracts/grpc/health/v1";
import { status } from "@grpc/grpc-js";

/** What a server reports for itself (`""`) and for each of its services. */
export type HealthState = "SERVING" | "NOT_SERVING";

/** `List` answers with at most this many services, as gRPC's health-checking spec allows. */
const MAX_LISTED = 100;

type Watcher = (state: ServingStatus) => void;

/**
 * The standard health service, `grpc.health.v1.Health` (grpc/grpc `doc/health-checking.md`), on
 * the generated contract: `Check`, `Watch` (the current status at once, then each change) and
 * `List`. Unknown services are `NOT_FOUND` for `Check` and `SERVICE_UNKNOWN` for `Watch`.
 */
export class HealthStatuses {
  readonly #states = new Map<string, ServingStatus>();
  readonly #watchers = new Map<string, Set<Watcher>>();

  /** The service definition to add to a server with {@link implementation}. */
  readonly definition = HealthService;

  /** Sets the status of `service` (`""`: the whole server), telling its watchers if it changed. */
  set(service: string, state: HealthState): void {
    const value = ServingStatus[state];
    if (this.#states.get(service) === value) return;
    this.#states.set(service, value);
    for (const watcher of this.#watchers.get(service) ?? []) watcher(value);
  }

  /** The handlers of the health service, reading this object's statuses. */
  implementation(): HealthServer {
    return {
      check: ({ request }, callback) => {
        const state = this.#states.get(request.service);
        if (state === undefined) {
          callback({
            code: status.NOT_FOUND,
            details: `no health status for service "${request.service}": ask for one of ${this.#known()}`,
          });
          return;
        }
        callback(null, { status: state });
      },
      watch: (call) => {
        const { service } = call.request;
        const watcher: Watcher = (state) => call.write({ status: state });
        const watchers = this.#watchers.get(service) ?? new Set();
        this.#watchers.set(service, watchers.add(watcher));
        call.on("cancelled", () => {
          watchers.delete(watcher);
          if (watchers.size === 0) this.#watchers.delete(service);
        });
        watcher(this.#states.get(service) ?? ServingStatus.SERVICE_UNKNOWN);
      },
      list: (_call, callback) => {
        if (this.#states.size > MAX_LISTED) {
          callback({
            code: status.RESOURCE_EXHAUSTED,
            details: `${this.#states.size} services have a health status, more than ${MAX_LISTED}; use Check for each`,
          });
          return;
        }
        const statuses = Object.fromEntries(
          [...this.#states].map(([service, state]) => [service, { status: state }]),
        );
        callback(null, { statuses });
      },
    };
  }

  #known(): string {
    return [...this.#states.keys()].map((service) => `"${service}"`).join(", ");
  }
}

import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";
import { inspectRequest, type RequestDefect } from "./inspect-request.js";
import { requestPlanOf } from "./request-plans.js";

/**
 * What a strict deserializer returns instead of a message for a request it refuses. It never
 * reaches a handler: {@link refuseInvalidRequests} answers it with `INVALID_ARGUMENT`.
 */
export class RefusedRequest {
  /** The status details sent to the client. */
  readonly details: string;

  constructor(details: string) {
    this.details = details;
  }
}

const strictDeserializers = new WeakSet<object>();

/** True when `deserialize` came from {@link strictService}, so its calls need the refusal step. */
export function isStrictDeserializer(deserialize: object): boolean {
  return strictDeserializers.has(deserialize);
}

/**
 * `definition` with each method's `requestDeserialize` checking the raw request first (see
 * `inspectRequest`): a request with invalid UTF-8 in a string field, or malformed, deserializes
 * to a {@link RefusedRequest}. A method whose request type holds no string field anywhere keeps
 * its deserializer, so it pays nothing. Throws when a method has no generated request layout.
 */
export function strictService(definition: ServiceDefinition): ServiceDefinition {
  const methods: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(definition)) {
    const plan = requestPlanOf(method.path);
    if (!plan.hasStrings) {
      methods[name] = method;
      continue;
    }
    const decode = method.requestDeserialize;
    const requestDeserialize = (bytes: Buffer): unknown => {
      const defect = inspectRequest(bytes, plan);
      return defect === undefined ? decode(bytes) : new RefusedRequest(describe(defect, plan));
    };
    strictDeserializers.add(requestDeserialize);
    methods[name] = { ...method, requestDeserialize };
  }
  return methods;
}

function describe(defect: RequestDefect, plan: { readonly typeName: string }): string {
  return defect.kind === "invalid-utf8"
    ? `request field ${defect.field} is not valid UTF-8 (proto3 strings must be UTF-8); send the text UTF-8 encoded`
    : `request is not a well-formed ${plan.typeName} (${defect.reason}); encode it with a protobuf library`;
}

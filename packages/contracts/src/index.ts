export { descriptorSetPath, readDescriptorSet } from "./descriptor-set.js";
export * as chatV1 from "./gen/chat/v1/chat.js";
export * as fibonacciV1 from "./gen/fibonacci/v1/fibonacci.js";
export * as healthV1 from "./gen/grpc/health/v1/health.js";
export * as reflectionV1 from "./gen/grpc/reflection/v1/reflection.js";
export * as reflectionV1alpha from "./gen/grpc/reflection/v1alpha/reflection.js";
export { requestLayouts } from "./gen/request-layouts.js";
export type { FieldLayout, RequestLayouts, WireTypeName } from "./request-layouts.js";

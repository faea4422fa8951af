export type { Logger } from "pino";
export type { CallContext } from "./adapter/call-context.js";
export { type AdapterRuntime, SHUTTING_DOWN_MESSAGE } from "./adapter/call-scope.js";
export {
  type DuplexCall,
  type DuplexHandlers,
  type DuplexSessionHandler,
  duplexSession,
} from "./adapter/duplex-session.js";
export {
  type BidiStreamingHandler,
  bidiStreaming,
  type ServerStreamingHandler,
  type ServerStreamingOptions,
  serverStreaming,
  type UnaryHandler,
  unary,
} from "./adapter/handlers.js";
export { createSharedResponses, type SharedResponses } from "./adapter/shared-responses.js";
export type { SendBufferLimit } from "./adapter/write-all.js";
export {
  ANONYMOUS,
  attachPrincipal,
  hasScope,
  limitKey,
  type Principal,
  principalOf,
  SCOPES,
  type Scope,
  scopeRefusal,
} from "./auth/principal.js";
export { formatHelp } from "./config/format-help.js";
export { ConfigError, type ConfigOf, type OptionSpec, type OptionTable } from "./config/option.js";
export { type ParsedCommandLine, parseCommandLine } from "./config/parse-config.js";
export type { HostPort } from "./config/parsers.js";
export * as parsers from "./config/parsers.js";
export {
  LOG_LEVELS,
  type LogLevel,
  type ServerOptionTable,
  serverOptions,
} from "./config/server-options.js";
export {
  createPerKeyConcurrency,
  type PerKeyConcurrency,
} from "./limits/per-key-concurrency.js";
export {
  createTokenBuckets,
  type TakeResult,
  type TokenBucketOptions,
  type TokenBuckets,
} from "./limits/token-bucket.js";
export {
  INTERNAL_ERROR_MESSAGE,
  RETRY_PUSHBACK_TRAILER,
  RpcError,
  toPublicStatus,
} from "./rpc-error.js";
export { createLogger, type LoggerOptions } from "./server/logger.js";
export { packageFile, packageRoot } from "./server/package-root.js";
export { packageVersion } from "./server/package-version.js";
export { type RunServerOptions, runServer } from "./server/run-server.js";
export {
  type BoundAddress,
  createServerApp,
  type ServerApp,
  type ServerAppConfig,
  type ServerAppOptions,
} from "./server/server-app.js";
export { spanOf } from "./telemetry/call-span.js";

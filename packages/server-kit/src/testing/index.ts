export { createTestCertificates, type TestCertificates } from "./certificates.js";
export { defaultsOf } from "./defaults-of.js";
export { freePort } from "./free-port.js";
export { createLogCapture, ERROR_LEVEL, type LogCapture, type LogLine } from "./log-capture.js";
export { type RawCallResult, rawStream, rawUnary } from "./raw-call.js";
export { settled } from "./settled.js";
export { type SpawnedServer, type SpawnOptions, spawnServer } from "./spawn-server.js";
export { createTestTokens, type TestClaims, type TestTokens } from "./test-tokens.js";
export { INVALID_UTF8, wire } from "./wire-bytes.js";

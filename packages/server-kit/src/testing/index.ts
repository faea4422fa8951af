export { createTestCertificates, type TestCertificates } from "./certificates.js";
export { defaultsOf } from "./defaults-of.js";
export { createLogCapture, ERROR_LEVEL, type LogCapture, type LogLine } from "./log-capture.js";
export { type SpawnedServer, spawnServer } from "./spawn-server.js";

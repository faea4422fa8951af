export { defaultsOf } from "./defaults-of.js";
export { createLogCapture, ERROR_LEVEL, type LogCapture, type LogLine } from "./log-capture.js";

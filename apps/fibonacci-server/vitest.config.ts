import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Integration tests start real servers (in process and as child processes): on a loaded
    // two-core CI machine running four Node lines, vitest's 5 s default is too tight. Nothing
    // here asserts on time; a slow start only makes a test wait longer.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The integration tests start servers and the built CLI as child processes.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

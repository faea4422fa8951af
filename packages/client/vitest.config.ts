import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The integration tests start the built servers as child processes.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

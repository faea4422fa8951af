import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entryPoints = {
  cli: { url: new URL("../../dist/main.js", import.meta.url), build: "apps/cli" },
  fibonacci: {
    url: new URL("../../../fibonacci-server/dist/main.js", import.meta.url),
    build: "apps/fibonacci-server",
  },
  chat: {
    url: new URL("../../../chat-server/dist/main.js", import.meta.url),
    build: "apps/chat-server",
  },
} as const;

/** The repository root, for running `pnpm fibchat`. */
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/**
 * The path of a built entry point: the CLI or a server. Throws, saying how to build it, when it
 * is missing: these tests run the real built programs (turbo builds them before `test`).
 */
export function entryPoint(program: keyof typeof entryPoints): string {
  const { url, build } = entryPoints[program];
  const path = fileURLToPath(url);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: build it first (cd ${build} && pnpm build)`);
  }
  return path;
}

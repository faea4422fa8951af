import manifest from "../package.json" with { type: "json" };

/**
 * The `version` of `@fibchat/cli`'s package.json. Imported rather than read at run time: the
 * bundle (scripts/bundle-app.mjs) carries it, wherever the code that asks for it lands.
 */
export function packageVersion(): string {
  return manifest.version;
}

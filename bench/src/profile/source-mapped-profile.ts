import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";
import { type CpuProfile, checkProfile } from "./cpu-profile.js";

/**
 * Reads a `.cpuprofile` with each function put back where its code was written. The servers run
 * bundled (scripts/bundle-app.mjs): a function's script is a bundle file, and its
 * `.map` beside it names the package and source file each line came from. A function in a file
 * with such a map gets that source's URL and line, so profiles name `pino/lib/proto.js` or
 * `server-kit/src/server/interceptors.ts` as an unbundled server's did. Functions without a map
 * are kept as they are. The maps are read as esbuild writes them: `FILE.map` beside `FILE`, sources
 * relative to the map, no `sourceRoot`.
 */
export async function readSourceMappedProfile(path: string): Promise<CpuProfile> {
  const { nodes, samples, timeDeltas } = checkProfile(JSON.parse(await readFile(path, "utf8")));
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (url: string) => {
    if (!maps.has(url)) maps.set(url, loadSourceMap(url));
    return maps.get(url);
  };
  return {
    nodes: nodes.map((node) => {
      const { url, lineNumber, columnNumber } = node.callFrame;
      const map = mapOf(url);
      if (map === undefined || columnNumber === undefined) return node;
      const entry = map.findEntry(lineNumber, columnNumber);
      if (!("originalSource" in entry)) return node;
      return {
        ...node,
        callFrame: {
          ...node.callFrame,
          url: new URL(entry.originalSource, url).href,
          lineNumber: entry.originalLine,
          columnNumber: entry.originalColumn,
        },
      };
    }),
    samples,
    timeDeltas,
  };
}

/** The source map linked beside the file at `url` (`FILE.map`), if it has one. */
function loadSourceMap(url: string): SourceMap | undefined {
  if (!url.startsWith("file:")) return undefined;
  const mapPath = `${fileURLToPath(url)}.map`;
  if (!existsSync(mapPath)) return undefined;
  const payload: unknown = JSON.parse(readFileSync(mapPath, "utf8"));
  if (
    typeof payload !== "object" ||
    payload === null ||
    !("version" in payload && typeof payload.version === "number") ||
    !("mappings" in payload && typeof payload.mappings === "string") ||
    !("sources" in payload && isStrings(payload.sources)) ||
    !("names" in payload && isStrings(payload.names))
  ) {
    throw new Error(`${mapPath} is not a source map (version 3: sources, names, mappings)`);
  }
  const { version, mappings, sources, names } = payload;
  return new SourceMap({
    version,
    mappings,
    sources,
    names,
    file: "",
    sourceRoot: "",
    sourcesContent: [],
  });
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

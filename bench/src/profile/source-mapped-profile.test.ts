import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { readSourceMappedProfile } from "./source-mapped-profile.js";

describe("readSourceMappedProfile", () => {
  let scratch: string | undefined;
  afterEach(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("puts a bundled function back in its source file and line; others stay as they are", async () => {
    scratch = mkdtempSync(join(tmpdir(), "mapped-profile-"));
    mkdirSync(join(scratch, "dist"));
    const bundle = join(scratch, "dist", "main.js");
    writeFileSync(bundle, "function post(){}\n//# sourceMappingURL=main.js.map\n");
    // One segment: generated line 0, column 0 → source 0 (../src/post.ts), line 4, column 2.
    writeFileSync(
      `${bundle}.map`,
      JSON.stringify({ version: 3, sources: ["../src/post.ts"], names: [], mappings: "AAIE" }),
    );
    const unmapped = { functionName: "write", url: "node:internal/fs", lineNumber: 3 };
    const profilePath = join(scratch, "server.cpuprofile");
    writeFileSync(
      profilePath,
      JSON.stringify({
        nodes: [
          {
            id: 1,
            callFrame: {
              functionName: "post",
              url: pathToFileURL(bundle).href,
              lineNumber: 0,
              columnNumber: 0,
            },
          },
          { id: 2, callFrame: unmapped },
        ],
        samples: [1, 2],
        timeDeltas: [10, 20],
      }),
    );

    expect(await readSourceMappedProfile(profilePath)).toEqual({
      nodes: [
        {
          id: 1,
          callFrame: {
            functionName: "post",
            url: pathToFileURL(join(scratch, "src", "post.ts")).href,
            lineNumber: 4,
            columnNumber: 2,
          },
        },
        { id: 2, callFrame: unmapped },
      ],
      samples: [1, 2],
      timeDeltas: [10, 20],
    });
  });
});

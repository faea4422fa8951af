import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readFlags } from "./agent-io.js";
import { readCallMetadata } from "./call-metadata.js";

describe("readCallMetadata", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("sends no metadata when no flag asks for any", async () => {
    const next = await readCallMetadata(readFlags([]));
    expect(next()).toBeUndefined();
  });

  it("sends the same headers on every call", async () => {
    const next = await readCallMetadata(
      readFlags([`--headers=${JSON.stringify({ authorization: "Bearer t", "x-a": "b" })}`]),
    );
    for (let call = 0; call < 3; call++) {
      expect(next()?.getMap()).toEqual({ authorization: "Bearer t", "x-a": "b" });
    }
  });

  it("rotates through the tokens of the file, one per call, round and round", async () => {
    dir = await mkdtemp(join(tmpdir(), "call-metadata-"));
    const file = join(dir, "tokens");
    await writeFile(file, "one\ntwo\nthree\n");
    const next = await readCallMetadata(
      readFlags([`--bearer-tokens-file=${file}`, `--headers={"x-a":"b"}`]),
    );
    const sent = Array.from({ length: 5 }, () => next()?.getMap());
    expect(sent.map((map) => map?.authorization)).toEqual([
      "Bearer one",
      "Bearer two",
      "Bearer three",
      "Bearer one",
      "Bearer two",
    ]);
    expect(sent.every((map) => map?.["x-a"] === "b")).toBe(true);
  });

  it("refuses headers that are not a JSON object of strings", async () => {
    await expect(readCallMetadata(readFlags(["--headers=[]"]))).rejects.toThrow(/JSON object/);
    await expect(readCallMetadata(readFlags(['--headers={"a":1}']))).rejects.toThrow(/a is not/);
  });
});

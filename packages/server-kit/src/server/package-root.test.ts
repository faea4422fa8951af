import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { packageFile, packageRoot } from "./package-root.js";
import { packageVersion } from "./package-version.js";

describe("packageRoot", () => {
  let scratch: string | undefined;
  afterEach(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** A package at `app/` with a module two folders down, as a bundle's chunk is. */
  function packageWithModule(): { root: URL; module: URL } {
    scratch = mkdtempSync(join(tmpdir(), "package-root-"));
    mkdirSync(join(scratch, "app", "dist", "chunks"), { recursive: true });
    writeFileSync(join(scratch, "app", "package.json"), '{"name":"app","version":"1.2.3"}');
    return {
      root: pathToFileURL(`${join(scratch, "app")}/`),
      module: pathToFileURL(join(scratch, "app", "dist", "chunks", "chunk-ABC.js")),
    };
  }

  it("finds the nearest folder with a package.json, however deep the module is", () => {
    const { root, module } = packageWithModule();
    expect(packageRoot(module).href).toBe(root.href);
    expect(packageFile(module, "dist/worker.js").href).toBe(new URL("dist/worker.js", root).href);
    expect(packageVersion(module.href)).toBe("1.2.3");
  });

  it("finds this package from its own sources", () => {
    expect(packageRoot(import.meta.url).href).toBe(new URL("../../", import.meta.url).href);
  });

  it("throws when no folder above has a package.json", () => {
    expect(() => packageRoot("file:///no-such-folder/x/y.js")).toThrow(
      "no package.json above file:///no-such-folder/x/y.js",
    );
  });
});

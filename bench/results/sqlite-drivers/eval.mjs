// node eval.mjs DRIVER: crash (20 runs), durability (5 kill -9 runs), speed; one JSON line.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
const driver = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), "sqlite-eval-"));
const node = process.execPath;
const report = { node: process.versions.node, driver };
let crashes = 0; const crashNotes = new Set();
for (let run = 0; run < 20; run++) {
  const r = spawnSync(node, ["--expose-gc", "--no-warnings", "worker.mjs", driver, "crash", join(dir, "crash.db")], { encoding: "utf8" });
  if (r.status !== 0 || /Assertion failed|Segmentation/.test(r.stderr)) { crashes++; crashNotes.add(`${r.status ?? r.signal}: ${r.stderr.split("\n").find((l) => /Assert|Segm|Error/.test(l)) ?? ""}`.slice(0, 120)); }
}
report.crashRuns = `${20 - crashes}/20 clean`; if (crashNotes.size) report.crashNotes = [...crashNotes];
let lost = 0; let acked = 0;
for (let run = 0; run < 5; run++) {
  const path = join(dir, `durable-${run}.db`);
  const child = spawn(node, ["--no-warnings", "worker.mjs", driver, "durable", path], { stdio: ["ignore", "pipe", "inherit"] });
  let last = 0n; let buffer = "";
  child.stdout.on("data", (d) => { buffer += d; const lines = buffer.split("\n"); buffer = lines.pop(); for (const l of lines) last = BigInt(l); });
  await new Promise((r) => setTimeout(r, 700 + run * 150));
  child.kill("SIGKILL");
  await new Promise((r) => child.on("exit", r));
  const v = JSON.parse(spawnSync(node, ["--no-warnings", "worker.mjs", driver, "verify", path], { encoding: "utf8" }).stdout);
  const stored = new Set(v.ids);
  acked += Number(last);
  for (let id = 1n; id <= last; id++) if (!stored.has(String(id))) lost++;
}
report.durability = `${acked} acked over 5 kill -9 runs, ${lost} lost`;
const s = spawnSync(node, ["--no-warnings", "worker.mjs", driver, "speed", join(dir, "speed.db")], { encoding: "utf8" });
report.appendsPerSecond = JSON.parse(s.stdout || "{}");
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify(report));

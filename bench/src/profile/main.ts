#!/usr/bin/env node
import { summarizeProfile } from "./cpu-profile.js";
import { readSourceMappedProfile } from "./source-mapped-profile.js";

// `node dist/profile/main.js FILE.cpuprofile…`: where each profile's time went, as text.
const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write("usage: node dist/profile/main.js FILE.cpuprofile…\n");
  process.exit(2);
}
for (const file of files) {
  const summary = summarizeProfile(await readSourceMappedProfile(file));
  const share = (ms: number) => `${((100 * ms) / summary.totalMs).toFixed(1).padStart(5)}%`;
  const lines = [`${file}: ${(summary.totalMs / 1000).toFixed(1)} s sampled`, "by origin:"];
  for (const { origin, selfMs } of summary.origins.slice(0, 12)) {
    lines.push(`  ${share(selfMs)}  ${origin}`);
  }
  lines.push("by function (self time):");
  for (const { label, selfMs } of summary.functions) lines.push(`  ${share(selfMs)}  ${label}`);
  lines.push("fibchat's functions (total time, callees included):");
  for (const { label, totalMs } of summary.fibchatFunctions) {
    lines.push(`  ${share(totalMs)}  ${label}`);
  }
  process.stdout.write(`${lines.join("\n")}\n\n`);
}

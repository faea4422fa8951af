import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderReport } from "./markdown-report.js";
import type { BenchResults } from "./results.js";
import { renderSvgChart } from "./svg-chart.js";

/** Writes `latest.md`, `latest.json` and one `<scenario>.svg` per scenario into `dir`. */
export async function writeResults(dir: string, results: BenchResults): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "latest.md"), renderReport(results));
  await writeFile(join(dir, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
  for (const scenario of results.scenarios) {
    await writeFile(join(dir, `${scenario.id}.svg`), renderSvgChart(scenario.chart));
  }
}

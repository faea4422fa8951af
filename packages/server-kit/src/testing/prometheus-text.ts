/**
 * Samples of a Prometheus text exposition, keyed `name{label="value",…}` with the labels in
 * alphabetical order (just `name` without labels), for exact assertions.
 */
export function parsePrometheusText(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (match === null) throw new Error(`not a sample line: ${line}`);
    const [, name = "", labelText = "", value = ""] = match;
    const labels = [...labelText.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)]
      .map(([, label = "", labelValue = ""]) => `${label}="${labelValue}"`)
      .sort();
    samples.set(labels.length === 0 ? name : `${name}{${labels.join(",")}}`, Number(value));
  }
  return samples;
}

/** The key {@link parsePrometheusText} files a sample under. */
export function sampleKey(name: string, labels: Readonly<Record<string, string>> = {}): string {
  const sorted = Object.entries(labels)
    .map(([label, value]) => `${label}="${value}"`)
    .sort();
  return sorted.length === 0 ? name : `${name}{${sorted.join(",")}}`;
}

/** Fetches and parses a `/metrics` URL. */
export async function scrape(url: string): Promise<Map<string, number>> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return parsePrometheusText(await response.text());
}

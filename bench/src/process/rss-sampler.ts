import { readMemoryUse } from "./proc-stats.js";

/** A resident-memory sample: seconds since sampling began, and bytes. */
export type RssSample = readonly [seconds: number, bytes: number];

/** A running sampler; `stop` ends it and returns the samples. */
export interface RssSampler {
  /** Seconds since sampling began, on the samples' clock. */
  elapsed(): number;
  stop(): RssSample[];
}

/** Samples VmRSS of `pid` every `intervalMs` until stopped (or until the process is gone). */
export function sampleRss(pid: number, intervalMs: number): RssSampler {
  const startedAt = performance.now();
  const elapsed = () => (performance.now() - startedAt) / 1000;
  const samples: RssSample[] = [];
  const take = () =>
    readMemoryUse(pid).then(
      ({ rssBytes }) => void samples.push([elapsed(), rssBytes]),
      () => clearInterval(timer),
    );
  const timer = setInterval(take, intervalMs);
  void take();
  return {
    elapsed,
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}

import { checkProfile } from "./cpu-profile.js";

/**
 * The share (0 to 1) of a `.cpuprofile`'s busy time spent in functions whose script URL
 * (or V8 label, such as `(garbage collector)`, given as the function's name) `matches`, counting
 * self time only. Busy time is every sample but V8's `(idle)`: JavaScript,
 * native code, `(program)` and `(garbage collector)`. A share does not move when the whole machine
 * runs faster or slower, unlike a duration: it measures what part of a server's work a layer is.
 */
export function selfShare(
  profile: unknown,
  matches: (url: string, functionName: string) => boolean,
): number {
  const { nodes, samples, timeDeltas } = checkProfile(profile);
  const byId = new Map(nodes.map((node) => [node.id, node]));
  let busy = 0;
  let matched = 0;
  samples.forEach((id, index) => {
    const node = byId.get(id);
    const delta = timeDeltas[index] ?? 0;
    if (node === undefined || node.callFrame.functionName === "(idle)") return;
    busy += delta;
    if (matches(node.callFrame.url, node.callFrame.functionName)) matched += delta;
  });
  return busy > 0 ? matched / busy : 0;
}

/** Time of one function in a V8 CPU profile. */
export interface FunctionCost {
  /** `name (file:line)`, or V8's own label such as `(garbage collector)`. */
  readonly label: string;
  /** Where the code comes from: an npm package, `node:` internals, `fibchat`, or V8. */
  readonly origin: string;
  /** Samples in the function itself. */
  readonly selfMs: number;
  /** Samples in the function or anything it called (recursion counted once). */
  readonly totalMs: number;
}

/** Where the time of a profile went. */
export interface ProfileSummary {
  readonly totalMs: number;
  /** Self time by origin, largest first. */
  readonly origins: readonly { readonly origin: string; readonly selfMs: number }[];
  /** The costliest functions by self time, largest first. */
  readonly functions: readonly FunctionCost[];
  /** fibchat's own functions by total time, largest first: what each layer costs in all. */
  readonly fibchatFunctions: readonly FunctionCost[];
}

export interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    functionName: string;
    url: string;
    lineNumber: number;
    columnNumber?: number;
  };
  readonly children?: readonly number[];
}

/**
 * Summarises a `.cpuprofile` (the JSON `node --cpu-prof` writes): self time per function and per
 * origin. Throws if the JSON is not a CPU profile.
 */
export function summarizeProfile(profile: unknown, top = 25): ProfileSummary {
  const { nodes, samples, timeDeltas } = checkProfile(profile);
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const costs = new Map<
    string,
    { label: string; origin: string; selfMs: number; totalMs: number }
  >();
  const costOf = (node: ProfileNode) => {
    const label = labelOf(node);
    let cost = costs.get(label);
    if (cost === undefined) {
      cost = {
        label,
        origin: originOf(node.callFrame.url, node.callFrame.functionName),
        selfMs: 0,
        totalMs: 0,
      };
      costs.set(label, cost);
    }
    return cost;
  };
  let totalMs = 0;
  samples.forEach((id, i) => {
    const ms = (timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    const leaf = byId.get(id);
    if (leaf === undefined) return;
    costOf(leaf).selfMs += ms;
    const onStack = new Set<string>();
    for (
      let node: ProfileNode | undefined = leaf;
      node;
      node = byId.get(parentOf.get(node.id) ?? -1)
    ) {
      const cost = costOf(node);
      if (!onStack.has(cost.label)) cost.totalMs += ms;
      onStack.add(cost.label);
    }
  });
  const origins = new Map<string, number>();
  for (const cost of costs.values()) {
    origins.set(cost.origin, (origins.get(cost.origin) ?? 0) + cost.selfMs);
  }
  const all = [...costs.values()];
  return {
    totalMs,
    origins: [...origins]
      .map(([origin, selfMs]) => ({ origin, selfMs }))
      .filter(({ selfMs }) => selfMs > 0)
      .sort((a, b) => b.selfMs - a.selfMs),
    functions: all
      .filter((cost) => cost.selfMs > 0)
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top),
    fibchatFunctions: all
      .filter((cost) => cost.origin.startsWith("fibchat "))
      .sort((a, b) => b.totalMs - a.totalMs)
      .slice(0, top),
  };
}

/** The origin of code at `url`: `pkg` for node_modules/pkg, `node:` internals, or `fibchat`. */
export function originOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return "node: internals";
  const packages = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)];
  const innermost = packages.at(-1)?.[1];
  if (innermost !== undefined) return innermost;
  const workspace = /\/(apps|packages|bench)\/([^/]+)\//.exec(url);
  return workspace ? `fibchat ${workspace[1]}/${workspace[2]}` : url;
}

function labelOf({ callFrame: { functionName, url, lineNumber } }: ProfileNode): string {
  if (url === "") return functionName || "(anonymous)";
  const file = url.split("/").slice(-2).join("/");
  return `${functionName || "(anonymous)"} (${file}:${lineNumber + 1})`;
}

/** A V8 CPU profile, as far as these summaries read it. */
export interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

export function checkProfile(profile: unknown): CpuProfile {
  if (
    typeof profile !== "object" ||
    profile === null ||
    !("nodes" in profile) ||
    !("samples" in profile) ||
    !("timeDeltas" in profile) ||
    !Array.isArray(profile.nodes) ||
    !Array.isArray(profile.samples) ||
    !Array.isArray(profile.timeDeltas)
  ) {
    throw new Error("not a V8 CPU profile: expected nodes, samples and timeDeltas");
  }
  const nodes = profile.nodes.filter(isProfileNode);
  const samples = profile.samples.filter((id) => typeof id === "number");
  const timeDeltas = profile.timeDeltas.filter((delta) => typeof delta === "number");
  return { nodes, samples, timeDeltas };
}

function isProfileNode(value: unknown): value is ProfileNode {
  if (typeof value !== "object" || value === null) return false;
  if (!("id" in value) || typeof value.id !== "number" || !("callFrame" in value)) return false;
  if (
    "children" in value &&
    !(Array.isArray(value.children) && value.children.every((id) => typeof id === "number"))
  ) {
    return false;
  }
  const frame = value.callFrame;
  return (
    typeof frame === "object" &&
    frame !== null &&
    "functionName" in frame &&
    typeof frame.functionName === "string" &&
    "url" in frame &&
    typeof frame.url === "string" &&
    "lineNumber" in frame &&
    typeof frame.lineNumber === "number" &&
    (!("columnNumber" in frame) || typeof frame.columnNumber === "number")
  );
}

/** How many connections carry how many concurrent calls each. */
export interface ConnectionPlan {
  readonly connections: number;
  readonly callsPerConnection: number;
}

/** Connections used for a given concurrency, at most: more would only add accept work. */
const MAX_CONNECTIONS = 4;

/**
 * Spreads `concurrency` calls in flight over up to four connections, as a few client channels
 * would; h2load and the grpc-js load agent follow the same plan so their numbers compare.
 * A concurrency that does not divide evenly is rounded up to the next multiple.
 */
export function connectionPlan(concurrency: number): ConnectionPlan {
  const connections = Math.max(1, Math.min(concurrency, MAX_CONNECTIONS));
  return { connections, callsPerConnection: Math.ceil(concurrency / connections) };
}

/** Where a Redis Cluster is, from a `redis-cluster://` or `rediss-cluster://` URL. */
export interface ClusterAddress {
  /** The seed nodes: any one reachable node is enough to discover the rest. */
  readonly nodes: readonly { readonly host: string; readonly port: number }[];
  readonly tls: boolean;
  readonly username?: string;
  readonly password?: string;
}

/**
 * Reads `redis-cluster://[[USER]:PASSWORD@]HOST:PORT[,HOST:PORT…]` (`rediss-cluster://` for TLS).
 * Throws a RangeError naming what is wrong.
 */
export function parseClusterUrl(url: string): ClusterAddress {
  const match = /^(rediss?)-cluster:\/\/(?:([^@/]*)@)?([^/?#]+)\/?$/.exec(url.trim());
  if (match === null) {
    throw new RangeError(
      `"${url}" is not a cluster URL; use redis-cluster://HOST:PORT[,HOST:PORT…]`,
    );
  }
  const [, scheme, credentials, hosts = ""] = match;
  const nodes = hosts.split(",").map((node) => {
    const parsed = /^(\[[^\]]+\]|[^:]+):([0-9]{1,5})$/.exec(node.trim());
    const port = Number(parsed?.[2]);
    if (parsed?.[1] === undefined || !(port >= 1 && port <= 65535)) {
      throw new RangeError(`"${node}" in ${url} is not HOST:PORT`);
    }
    return { host: parsed[1].replace(/^\[|\]$/g, ""), port };
  });
  let username: string | undefined;
  let password: string | undefined;
  if (credentials !== undefined && credentials !== "") {
    const colon = credentials.indexOf(":");
    const user = colon < 0 ? "" : decodeURIComponent(credentials.slice(0, colon));
    password = decodeURIComponent(colon < 0 ? credentials : credentials.slice(colon + 1));
    if (user !== "") username = user;
  }
  return {
    nodes,
    tls: scheme === "rediss",
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
}

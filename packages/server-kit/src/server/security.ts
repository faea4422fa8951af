import { ServerCredentials } from "@grpc/grpc-js";
import type { Authenticator } from "../auth/authenticator.js";
import { type AuthConfig, loadAuthenticator } from "../auth/load-authenticator.js";
import { ConfigError } from "../config/option.js";
import { readConfigFile } from "../config/read-config-file.js";

/** The TLS and auth settings of a server, as given on its command line. */
export interface SecurityConfig extends AuthConfig {
  readonly tlsCert: string;
  readonly tlsKey: string;
  readonly tlsClientCa: string;
}

/** What the server runs with: its transport credentials and its authentication mode, if any. */
export interface Security {
  readonly credentials: ServerCredentials;
  readonly tls: "off" | "tls" | "mtls";
  readonly authenticator: Authenticator | undefined;
}

/**
 * Reads certificates, keys and token files named in `config`. Rejects with {@link ConfigError}
 * for a missing file or an inconsistent combination, so a misconfigured server never starts.
 */
export async function loadSecurity(config: SecurityConfig): Promise<Security> {
  return { ...loadTls(config), authenticator: await loadAuthenticator(config) };
}

function loadTls(config: SecurityConfig): Pick<Security, "credentials" | "tls"> {
  const { tlsCert, tlsKey, tlsClientCa } = config;
  if (tlsCert === "" && tlsKey === "") {
    if (tlsClientCa !== "")
      throw new ConfigError("--tls-client-ca needs --tls-cert and --tls-key too");
    return { credentials: ServerCredentials.createInsecure(), tls: "off" };
  }
  if (tlsCert === "" || tlsKey === "") {
    throw new ConfigError(
      "--tls-cert and --tls-key go together: give both, or neither for plaintext",
    );
  }
  const clientCa = tlsClientCa === "" ? null : readPem(tlsClientCa, "--tls-client-ca");
  const credentials = ServerCredentials.createSsl(
    clientCa,
    [{ cert_chain: readPem(tlsCert, "--tls-cert"), private_key: readPem(tlsKey, "--tls-key") }],
    clientCa !== null,
  );
  return { credentials, tls: clientCa === null ? "tls" : "mtls" };
}

function readPem(path: string, flag: string): Buffer {
  const content = readConfigFile(path, flag);
  if (!content.includes("-----BEGIN")) throw new ConfigError(`${flag} ${path} is not a PEM file`);
  return content;
}

import { readFileSync } from "node:fs";
import { ServerCredentials } from "@grpc/grpc-js";
import { ConfigError } from "../config/option.js";

/** The TLS and auth settings of a server, as given on its command line. */
export interface SecurityConfig {
  readonly tlsCert: string;
  readonly tlsKey: string;
  readonly tlsClientCa: string;
  readonly authToken: string;
  readonly authTokenFile: string;
}

/** What the server runs with: its transport credentials and the bearer token, if any. */
export interface Security {
  readonly credentials: ServerCredentials;
  readonly tls: "off" | "tls" | "mtls";
  readonly authToken: string | undefined;
}

/**
 * Reads certificates, keys and the token file named in `config`. Throws {@link ConfigError}
 * for a missing file or an inconsistent combination, so a misconfigured server never starts.
 */
export function loadSecurity(config: SecurityConfig): Security {
  return { ...loadTls(config), authToken: loadAuthToken(config) };
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

function loadAuthToken({ authToken, authTokenFile }: SecurityConfig): string | undefined {
  if (authToken !== "" && authTokenFile !== "") {
    throw new ConfigError("give --auth-token or --auth-token-file, not both");
  }
  const token =
    authTokenFile === ""
      ? authToken
      : readFile(authTokenFile, "--auth-token-file").toString("utf8").trim();
  if (authTokenFile !== "" && token === "")
    throw new ConfigError(`--auth-token-file ${authTokenFile} is empty`);
  return token === "" ? undefined : token;
}

function readPem(path: string, flag: string): Buffer {
  const content = readFile(path, flag);
  if (!content.includes("-----BEGIN")) throw new ConfigError(`${flag} ${path} is not a PEM file`);
  return content;
}

function readFile(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`cannot read ${flag} ${path}: ${reason}`);
  }
}

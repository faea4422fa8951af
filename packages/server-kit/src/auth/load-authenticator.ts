import { ConfigError } from "../config/option.js";
import { readConfigFile } from "../config/read-config-file.js";
import type { Authenticator } from "./authenticator.js";
import { clientCertificateAuthenticator } from "./client-certificate-authenticator.js";
import { parseDefaultScopes } from "./scopes.js";
import { sharedTokenAuthenticator } from "./shared-token-authenticator.js";

/** The authentication settings of a server, as given on its command line. */
export interface AuthConfig {
  readonly authToken: string;
  readonly authTokenFile: string;
  readonly authJwtSecretFile: string;
  readonly authJwtPublicKey: string;
  readonly authJwtIssuer: string;
  readonly authJwtAudience: string;
  readonly authFromClientCert: boolean;
  readonly authDefaultScopes: string;
  /** Set when the server verifies client certificates (`--tls-client-ca`). */
  readonly tlsClientCa: string;
}

/**
 * Builds the one authentication mode `config` asks for, or `undefined` for none. Reads every key
 * and token file now, and rejects with {@link ConfigError} for a missing file, a weak secret or
 * two modes at once, so a misconfigured server never starts. The JWT library is loaded only for
 * the JWT mode (it is a tenth of a server's start-up otherwise).
 */
export async function loadAuthenticator(config: AuthConfig): Promise<Authenticator | undefined> {
  const token = config.authToken !== "" || config.authTokenFile !== "";
  const jwt = config.authJwtSecretFile !== "" || config.authJwtPublicKey !== "";
  const modes = [
    token && "--auth-token(-file)",
    jwt && "--auth-jwt-secret-file/--auth-jwt-public-key",
    config.authFromClientCert && "--auth-from-client-cert",
  ].filter((mode) => mode !== false);
  if (modes.length > 1)
    throw new ConfigError(`choose one authentication mode, not ${modes.join(" and ")}`);
  if (!jwt && (config.authJwtIssuer !== "" || config.authJwtAudience !== ""))
    throw new ConfigError(
      "--auth-jwt-issuer and --auth-jwt-audience need --auth-jwt-secret-file or --auth-jwt-public-key",
    );
  const defaultScopes = parseDefaultScopes(config.authDefaultScopes);
  if (token) return sharedToken(config);
  if (config.authFromClientCert) {
    if (config.tlsClientCa === "")
      throw new ConfigError(
        "--auth-from-client-cert needs --tls-client-ca (and --tls-cert, --tls-key)",
      );
    return clientCertificateAuthenticator(defaultScopes);
  }
  if (!jwt) return undefined;
  if (config.authJwtSecretFile !== "" && config.authJwtPublicKey !== "")
    throw new ConfigError("give --auth-jwt-secret-file or --auth-jwt-public-key, not both");
  const [{ jwtAuthenticator }, { loadJwtPublicKey, loadJwtSecret }] = await Promise.all([
    import("./jwt-authenticator.js"),
    import("./jwt-key.js"),
  ]);
  const key =
    config.authJwtSecretFile !== ""
      ? loadJwtSecret(config.authJwtSecretFile)
      : loadJwtPublicKey(config.authJwtPublicKey);
  return jwtAuthenticator({
    key,
    issuer: config.authJwtIssuer === "" ? undefined : config.authJwtIssuer,
    audience: config.authJwtAudience === "" ? undefined : config.authJwtAudience,
    defaultScopes,
  });
}

function sharedToken({ authToken, authTokenFile }: AuthConfig): Authenticator {
  if (authToken !== "" && authTokenFile !== "")
    throw new ConfigError("give --auth-token or --auth-token-file, not both");
  const token =
    authTokenFile === ""
      ? authToken
      : readConfigFile(authTokenFile, "--auth-token-file").toString("utf8").trim();
  if (token === "") throw new ConfigError(`--auth-token-file ${authTokenFile} is empty`);
  return sharedTokenAuthenticator(token);
}

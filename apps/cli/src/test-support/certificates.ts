import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** PEM files of a throwaway CA, a server certificate for 127.0.0.1 and a client certificate. */
export interface Certificates {
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** Deletes the files. */
  remove(): Promise<void>;
}

/** Creates {@link Certificates} in a new temporary directory with the `openssl` command. */
export async function createCertificates(): Promise<Certificates> {
  const dir = await mkdtemp(join(tmpdir(), "fibchat-tls-"));
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => run("openssl", args, { cwd: dir });
  const days = ["-days", "2"];
  await openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    ...days,
    "-subj",
    "/CN=fibchat test CA",
  );
  await writeFile(path("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  for (const [name, extensions] of [
    ["server", ["-extfile", "server.ext"]],
    ["client", []],
  ] as const) {
    await openssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=fibchat test ${name}`,
    );
    await openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      ...days,
      ...extensions,
    );
  }
  return {
    ca: path("ca.pem"),
    serverCert: path("server.pem"),
    serverKey: path("server.key"),
    clientCert: path("client.pem"),
    clientKey: path("client.key"),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

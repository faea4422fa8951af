import { readFile } from "node:fs/promises";
import { Metadata } from "@grpc/grpc-js";
import type { Flags } from "./agent-io.js";

/**
 * The metadata of each call a unary load agent makes: `undefined` (none) when neither
 * `--headers` (a JSON object of header names to values) nor `--bearer-tokens-file` (one token a
 * line) was given; else the same headers on every call, with the `authorization` of the next
 * token of the file, round and round.
 */
export async function readCallMetadata(flags: Flags): Promise<() => Metadata | undefined> {
  const headersFlag = flags.optionalString("headers");
  const tokensFile = flags.optionalString("bearer-tokens-file");
  if (headersFlag === undefined && tokensFile === undefined) return () => undefined;
  const headers = headersFlag === undefined ? {} : parseHeaders(headersFlag);
  const tokens =
    tokensFile === undefined
      ? [undefined]
      : (await readFile(tokensFile, "utf8")).split("\n").filter((line) => line !== "");
  if (tokens.length === 0) throw new Error(`--bearer-tokens-file=${tokensFile} holds no token`);
  // Built before the first call so the measured part pays only for sending them; grpc-js clones
  // the metadata of each call, so one object can serve any number of calls.
  const all = tokens.map((token) => {
    const metadata = new Metadata();
    for (const [name, value] of Object.entries(headers)) metadata.set(name, value);
    if (token !== undefined) metadata.set("authorization", `Bearer ${token}`);
    return metadata;
  });
  let next = 0;
  return () => all[next++ % all.length];
}

function parseHeaders(json: string): Record<string, string> {
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error("--headers must be a JSON object");
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== "string") throw new Error(`--headers: ${name} is not a string`);
    headers[name] = value;
  }
  return headers;
}

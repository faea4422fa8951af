import { RpcError } from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import { parseRoom } from "../rules/index.js";

/** The page token of the page after `room` (AIP-158: opaque to clients). */
export function encodePageToken(room: string): string {
  return Buffer.from(JSON.stringify({ after: room }), "utf8").toString("base64url");
}

/**
 * The room a ListRooms page starts after: `""` for the first page. A token this server did not
 * make fails with `INVALID_ARGUMENT`.
 */
export function decodePageToken(token: string): string {
  if (token === "") return "";
  let after: unknown;
  try {
    after = Reflect.get(
      Object(JSON.parse(Buffer.from(token, "base64url").toString("utf8"))),
      "after",
    );
  } catch {
    after = undefined;
  }
  if (typeof after === "string" && after !== "" && parseRoom(after).ok) return after;
  throw new RpcError(
    status.INVALID_ARGUMENT,
    "page_token is not one this server returned: pass next_page_token unchanged, or empty for the first page",
  );
}

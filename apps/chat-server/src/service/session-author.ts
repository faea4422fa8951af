import { type Principal, RpcError } from "@fibchat/server-kit";
import { status } from "@grpc/grpc-js";
import { parseAuthor } from "../rules/index.js";
import { required } from "./request-rules.js";

/**
 * The author a session posts as. When the server identifies users, it is the signed-in user:
 * `requested` must be empty (filled in) or that very name, so no one can post as someone else.
 * Otherwise authors are self-declared and `requested` must be a valid name.
 */
export function sessionAuthor(requested: string, principal: Principal): string {
  if (principal.kind === "anonymous") return required(parseAuthor(requested));
  const { subject } = principal;
  if (requested !== "" && requested !== subject) {
    throw new RpcError(
      status.PERMISSION_DENIED,
      `you are signed in as ${subject}; author must be empty or ${subject}`,
    );
  }
  const name = parseAuthor(subject);
  if (!name.ok) {
    throw new RpcError(
      status.INVALID_ARGUMENT,
      `your user name from your credential cannot be a chat author (${name.reason}); ask for a credential with a shorter name`,
    );
  }
  return name.value;
}

/**
 * The outcome of checking one client-supplied value against a chat rule: the
 * normalized value, or a reason that names the problem and how to fix it. The
 * reason is written for the client and is sent verbatim.
 */
export type RuleResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

/** Who posts, and where. */
export interface ChatIdentity {
  readonly room: string;
  /** Left out when the credentials name the user: the server binds the session to them. */
  readonly author: string | undefined;
}

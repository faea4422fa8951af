/** Who posts, and where. */
export interface ChatIdentity {
  readonly room: string;
  /**
   * Who posts; left out, a server that identifies users binds the session to the signed-in user
   * (the interactive chat shows who that is once the server confirms the join).
   */
  readonly author: string | undefined;
}

/** Who posts, and where. */
export interface ChatIdentity {
  readonly room: string;
  readonly author: string;
}

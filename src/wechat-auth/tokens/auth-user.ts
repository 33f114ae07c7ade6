/** The signed-in caller, as the access token says: what `@CurrentUser()` gives a route. */
export interface AuthUser {
  /** The user's id (the token's `sub`). */
  id: string;
  /** The login session the token belongs to (`sid`). */
  sessionId: string;
  roles: string[];
}

/** The signed-in caller, as the access token says: what `@CurrentUser()` gives a route. */
export interface AuthUser {
  /** The user's id (the token's `sub`). */
  id: string;
  /** The login session the token belongs to (`sid`). */
  sessionId: string;
  roles: string[];
  /**
   * When the person last signed in (epoch seconds, the token's `auth_time`):
   * refreshes keep it, only a login moves it. Absent in tokens older than it.
   */
  authTime?: number;
}

/** The PostgreSQL NOTIFY channel on which every instance hears of ended sessions. */
export const REVOCATION_CHANNEL = 'wechat_auth_revocations';

/** Tokens of an ended session stay refused until they would have expired anyway. */
export interface SessionRevokedEvent {
  sessionId: string;
  /** Epoch milliseconds after which no access token of the session can still be valid. */
  until: number;
}

/** How long after a revocation its access tokens may still be presented: one token lifetime plus leeway. */
export function revocationWindowMs(accessTtlSeconds: number): number {
  return (accessTtlSeconds + 60) * 1000;
}

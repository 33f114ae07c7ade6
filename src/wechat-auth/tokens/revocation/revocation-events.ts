/** The PostgreSQL NOTIFY channel on which every instance hears of ended sessions and disabled users. */
export const REVOCATION_CHANNEL = 'wechat_auth_revocations';

/** Tokens of an ended session stay refused until they would have expired anyway. */
export interface SessionRevokedEvent {
  sessionId: string;
  /** Epoch milliseconds after which no access token of the session can still be valid. */
  until: number;
}

/**
 * A user was disabled or enabled. While disabled, every token of the user is
 * refused, even one of a session that started while the disable committed.
 */
export interface UserStatusEvent {
  userId: string;
  disabled: boolean;
  /** The database's time of the change, in epoch milliseconds: the later change of a user wins. */
  changedAt: number;
  /** The user was merged into another: its sessions live on under that user, so a refresh gets their tokens. */
  merged?: boolean;
}

export type RevocationEvent = SessionRevokedEvent | UserStatusEvent;

/** How long after a revocation its access tokens may still be presented: one token lifetime plus leeway. */
export function revocationWindowMs(accessTtlSeconds: number): number {
  return (accessTtlSeconds + 60) * 1000;
}

/** Reads a NOTIFY payload; anything malformed is ignored rather than trusted. */
export function parseRevocationEvent(payload: string | undefined): RevocationEvent | undefined {
  try {
    const event = JSON.parse(payload ?? '') as Partial<SessionRevokedEvent & UserStatusEvent>;
    if (typeof event.sessionId === 'string' && typeof event.until === 'number') return { sessionId: event.sessionId, until: event.until };
    if (typeof event.userId === 'string' && typeof event.disabled === 'boolean' && typeof event.changedAt === 'number') {
      return { userId: event.userId, disabled: event.disabled, changedAt: event.changedAt, ...(event.merged === true ? { merged: true } : {}) };
    }
    return undefined;
  } catch {
    return undefined;
  }
}

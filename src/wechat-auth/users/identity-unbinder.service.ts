import { Injectable } from '@nestjs/common';
import { SessionService } from '../sessions/session.service';
import { IdentityRepository, UnboundIdentity } from './identity.repository';

export interface UnbindResult extends UnboundIdentity {
  /** Sessions opened through the unbound identity's app, now ended. */
  revokedSessions: number;
}

/** Detaches a WeChat identity from its user; the sessions opened through that app end with it. */
@Injectable()
export class IdentityUnbinder {
  constructor(
    private readonly identities: IdentityRepository,
    private readonly sessions: SessionService,
  ) {}

  /** Undefined when the user has no such identity; with `keepLast`, the user's last identity stays (`last_identity`). */
  async unbind(userId: string, identityId: string, keepLast = false): Promise<UnbindResult | undefined> {
    const unbound = await this.identities.unbind(userId, identityId, keepLast);
    if (!unbound) return undefined;
    const revokedSessions = await this.sessions.revokeUserSessions(userId, 'identity_unbound', unbound.appKey);
    return { ...unbound, revokedSessions };
  }
}

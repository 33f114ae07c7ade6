import { Injectable } from '@nestjs/common';
import { UserLifecycle } from '../lifecycle/user-lifecycle.service';
import { RevocationList } from '../tokens/revocation/revocation-list';
import { SessionService } from './session.service';
import { UserStatusRepository } from './user-status.repository';

/** Disabling and enabling users: a disabled user's tokens are refused at once on every instance. */
@Injectable()
export class UserStatusService {
  constructor(
    private readonly statuses: UserStatusRepository,
    private readonly revocations: RevocationList,
    private readonly sessions: SessionService,
    private readonly lifecycle: UserLifecycle,
  ) {}

  /** False when there is no such user. Disabling also ends the user's sessions, so refresh tokens die with them. */
  async setDisabled(userId: string, disabled: boolean): Promise<boolean> {
    const event = await this.statuses.setStatus(userId, disabled ? 'disabled' : 'active');
    if (!event) return false;
    this.revocations.add(event);
    if (disabled) await this.sessions.revokeUserSessions(userId, 'user_disabled');
    this.lifecycle.publish([{ name: disabled ? 'user.disabled' : 'user.enabled', payload: { userId } }]);
    return true;
  }
}

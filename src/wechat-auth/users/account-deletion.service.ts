import { Injectable } from '@nestjs/common';
import { AppError } from '../core/errors/app-error';
import { UserLifecycle } from '../lifecycle/user-lifecycle.service';
import { LoginEventsRepository } from '../login/login-events/login-events.repository';
import { SessionService } from '../sessions/session.service';
import { AuthUser } from '../tokens/auth-user';
import { CodeExchangeRepository } from '../wechat/code-exchange/code-exchange.repository';
import { UsersRepository } from './users.repository';

/** A stolen access token must not be enough to delete an account: the sign-in behind it must be this recent. */
const RECENT_SIGN_IN_SECONDS = 5 * 60;

/**
 * A person deletes their own account (注销账号): the host's modules erase
 * their rows, every session ends everywhere, identities, session keys,
 * profile, phone conflicts and what WeChat said about the person's recent
 * codes go, and a tombstone with the id and the time is all that remains.
 */
@Injectable()
export class AccountDeletion {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionService,
    private readonly events: LoginEventsRepository,
    private readonly lifecycle: UserLifecycle,
    private readonly codeExchanges: CodeExchangeRepository,
  ) {}

  async deleteOwnAccount(caller: AuthUser): Promise<void> {
    if (caller.authTime === undefined || Date.now() / 1000 - caller.authTime > RECENT_SIGN_IN_SECONDS) {
      throw new AppError('reauthentication_required');
    }
    const deleted = await this.users.eraseAccount(caller.id, async (db) => {
      await this.lifecycle.inTransaction('user.deleted', { userId: caller.id, manager: db });
      await this.sessions.endAllOfDeletedUser(db, caller.id);
      await this.events.eraseForDeletedUser(db, caller.id);
      // Before the identities go: they name the codes to forget.
      await this.codeExchanges.eraseForDeletedUser(db, caller.id);
    });
    if (!deleted) throw new AppError('session_revoked', 'This account no longer exists.');
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { IdentityLinker } from '../users/identity-linker.service';
import { VerifiedWechatIdentity } from '../users/wechat-profile';
import { LoginEventsRepository } from './login-events/login-events.repository';
import { ClientInfo, SessionService } from './sessions/session.service';
import { TokenPair } from './sessions/token-pair';

export interface LoginAttempt {
  kind: string;
  appKey: string | null;
  client: ClientInfo;
}

/**
 * The last step of every WeChat login, whatever the flow: bind the identity
 * WeChat vouched for to a user, open a session, and record the attempt.
 */
@Injectable()
export class LoginService {
  private readonly logger = new Logger(LoginService.name);

  constructor(
    private readonly linker: IdentityLinker,
    private readonly sessions: SessionService,
    private readonly events: LoginEventsRepository,
  ) {}

  /** Runs `verify` (the exchange with WeChat) and completes the login; failures are recorded too. */
  async login(attempt: LoginAttempt, verify: () => Promise<VerifiedWechatIdentity>): Promise<TokenPair> {
    let userId: string | null = null;
    try {
      const resolved = await this.linker.resolveLogin(await verify());
      userId = resolved.user.id;
      const pair = await this.sessions.start(resolved.user, resolved.isNew, attempt.appKey, attempt.client);
      await this.record(attempt, { userId, result: 'success' });
      return pair;
    } catch (error) {
      if (error instanceof AppError) await this.record(attempt, { userId, result: 'failure', errorCode: error.code });
      throw error;
    }
  }

  private async record(attempt: LoginAttempt, outcome: { userId: string | null; result: 'success' | 'failure'; errorCode?: string }) {
    // History must never turn a good login into a failed one.
    await this.events
      .record({ kind: attempt.kind, appKey: attempt.appKey, ip: attempt.client.ip, userAgent: attempt.client.userAgent, ...outcome })
      .catch((error: Error) => this.logger.warn(`Could not record a login event: ${error.message}`));
  }
}

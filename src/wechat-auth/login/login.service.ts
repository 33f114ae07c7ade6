import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../core/errors/app-error';
import { User } from '../users/entities/user.entity';
import { IdentityBinder } from '../users/identity-binder.service';
import { IdentityLinker, isPendingSignUp, ResolvedLogin } from '../users/identity-linker.service';
import { SignInStamp } from '../users/sign-in-stamp';
import { UsersRepository } from '../users/users.repository';
import { VerifiedWechatIdentity } from '../users/wechat-profile';
import { LoginEvent } from './login-events/login-event.entity';
import { LoginEventsRepository } from './login-events/login-events.repository';
import { ClientInfo, SessionOwnerGone, SessionService } from '../sessions/session.service';
import { TokenPair } from '../sessions/token-pair';
import { SignupTickets, SignUpPending } from './sign-up/signup-tickets.service';

export interface LoginAttempt {
  kind: string;
  appKey: string | null;
  client: ClientInfo;
  /** An OAuth login's PKCE challenge: a sign-up ticket it ends in is good only with that browser's verifier. */
  challenge?: Buffer;
}

/** An identity WeChat vouched for; `codeCopy` marks a copy of a code already exchanged, served from its first result. */
export interface VerifiedLogin extends VerifiedWechatIdentity {
  codeCopy?: boolean;
}

/** The session of a login to open: the identity's user (found again if it was merged meanwhile). */
export interface SessionRequest {
  identityId: string;
  user?: User;
  isNew: boolean;
  appKey: string | null;
  client: ClientInfo;
  /** A hand-off: when the person last signed in (the session being handed over's time). */
  authenticatedAt?: Date | null;
  /** A hand-off: the session handing over, which must still be live. */
  handedOverBy?: string | null;
  /** The login that opens the session, recorded with it. */
  signIn?: { kind: string; detail: LoginEvent['detail'] };
  /** A returning login's sign-in, written by the statement that opens the session. */
  unstamped?: SignInStamp;
}

const SESSION_ATTEMPTS = 3;

/**
 * The last step of every WeChat login, whatever the flow: bind the identity
 * WeChat vouched for to a user, open a session (at once, or later for a
 * login ticket), and record the attempt.
 */
@Injectable()
export class LoginService {
  private readonly logger = new Logger(LoginService.name);

  constructor(
    private readonly linker: IdentityLinker,
    private readonly binder: IdentityBinder,
    private readonly sessions: SessionService,
    private readonly users: UsersRepository,
    private readonly events: LoginEventsRepository,
    private readonly signUps: SignupTickets,
  ) {}

  /**
   * Runs `verify` (the exchange with WeChat) and completes the login; failures
   * are recorded too. An unknown person under the `require-phone` sign-up
   * policy gets a sign-up ticket instead of a session.
   */
  login(attempt: LoginAttempt, verify: () => Promise<VerifiedLogin>): Promise<TokenPair | SignUpPending> {
    // The success goes into the history with the session, by the statement that opens it.
    return this.recorded(attempt, verify, (resolved, detail) =>
      this.openSession({
        identityId: resolved.identity.id,
        user: resolved.user,
        isNew: resolved.isNew,
        appKey: attempt.appKey,
        client: attempt.client,
        signIn: { kind: attempt.kind, detail },
        unstamped: resolved.unstamped,
      }),
    );
  }

  /**
   * A signed-in user binds the identity `verify` establishes (merging whoever
   * held it into them); recorded in the login history like a login.
   */
  async bind(userId: string, attempt: LoginAttempt, verify: () => Promise<VerifiedLogin>): Promise<void> {
    try {
      await this.binder.bind(userId, await verify());
      await this.record(attempt, { userId, result: 'success', detail: null });
    } catch (error) {
      if (error instanceof AppError) await this.record(attempt, { userId, result: 'failure', errorCode: error.code, detail: null });
      throw error;
    }
  }

  /** Like `login`, for flows that open the session later (the OAuth callback hands out a ticket). */
  identify(attempt: LoginAttempt, verify: () => Promise<VerifiedLogin>): Promise<ResolvedLogin | SignUpPending> {
    return this.recorded(attempt, verify, async (resolved, detail) => {
      const user = resolved.unstamped ? await this.linker.stamp(resolved.unstamped) : resolved.user;
      if (user.status !== 'active') throw new AppError('user_disabled');
      await this.record(attempt, { userId: user.id, result: 'success', detail });
      return { user, identity: resolved.identity, isNew: resolved.isNew };
    });
  }

  /**
   * Opens a session for the identity's user. A merge can delete that user
   * between identification and this insert; the session then goes to the
   * user the identity belongs to now. A deletion takes the identity with it:
   * then no session is opened.
   */
  async openSession(request: SessionRequest): Promise<TokenPair> {
    const { unstamped } = request;
    if (unstamped) return this.openSignedIn(request, unstamped);
    let user = request.user ?? (await this.users.findByIdentity(request.identityId));
    for (let attempt = 1; ; attempt++) {
      if (!user) throw new AppError('session_revoked', 'This WeChat account is no longer bound to a user. Sign in again.');
      try {
        return await this.sessions.start(user, request.isNew, request.appKey, request.client, request.authenticatedAt, request.signIn, request.handedOverBy);
      } catch (error) {
        if (!(error instanceof SessionOwnerGone) || attempt >= SESSION_ATTEMPTS) throw error;
        user = await this.users.findByIdentity(request.identityId);
      }
    }
  }

  /** A returning login: its sign-in and session in one statement, tried again while a merge moves its identity to another user. */
  private async openSignedIn(request: SessionRequest, unstamped: SignInStamp): Promise<TokenPair> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.sessions.startSignedIn(unstamped, request.appKey, request.client, request.signIn);
      } catch (error) {
        if (!(error instanceof SessionOwnerGone) || attempt >= SESSION_ATTEMPTS) throw error;
      }
    }
  }

  /** Verifies and resolves the identity, then `finish`es the login, which records its success; a failure is recorded here. */
  private async recorded<T>(
    attempt: LoginAttempt,
    verify: () => Promise<VerifiedLogin>,
    finish: (resolved: ResolvedLogin, detail: LoginEvent['detail']) => Promise<T>,
  ): Promise<T | SignUpPending> {
    let userId: string | null = null;
    let detail: LoginEvent['detail'] = null;
    try {
      const verified = await verify();
      if (verified.codeCopy) detail = { codeCopy: true };
      const resolved = await this.linker.resolveLogin(verified);
      // Not a sign-in yet: the history records it when the phone completes it.
      if (isPendingSignUp(resolved)) return await this.signUps.hold(verified, attempt.challenge);
      userId = resolved.user.id;
      return await finish(resolved, detail);
    } catch (error) {
      if (error instanceof AppError) await this.record(attempt, { userId, result: 'failure', errorCode: error.code, detail });
      throw error;
    }
  }

  private async record(
    attempt: LoginAttempt,
    outcome: { userId: string | null; result: 'success' | 'failure'; errorCode?: string; detail: LoginEvent['detail'] },
  ) {
    // History must never turn a good login into a failed one.
    await this.events
      .record({ kind: attempt.kind, appKey: attempt.appKey, ip: attempt.client.ip, userAgent: attempt.client.userAgent, ...outcome })
      .catch((error: Error) => this.logger.warn(`Could not record a login event: ${error.message}`));
  }
}

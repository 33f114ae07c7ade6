import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { WechatAuthConfig } from '../options/wechat-auth-config';
import { AppError } from '../core/errors/app-error';
import { User } from '../users/entities/user.entity';
import { SignInStamp } from '../users/sign-in-stamp';
import { revocationWindowMs } from '../tokens/revocation/revocation-events';
import { RevocationList } from '../tokens/revocation/revocation-list';
import { AccessTokenService } from '../tokens/access-token.service';
import { AuthUser } from '../tokens/auth-user';
import { RefreshTokenClaims, RefreshTokenCodec } from './refresh-token-codec';
import { ActiveSession, NewSession, OpenedSession, RotationResult, SessionsRepository } from './sessions.repository';
import { TokenPair } from './token-pair';

/** The user of a session being opened is no longer active (merged away, disabled or deleted in the meantime). */
export class SessionOwnerGone extends AppError {
  constructor() {
    super('session_revoked', 'This account is no longer active. Sign in again.');
  }
}

/** A hand-off would open a session though the one that handed it over has ended (logged out, revoked, expired, its user disabled). */
export class HandingSessionEnded extends AppError {
  constructor() {
    super('ticket_invalid', 'The session that handed this sign-in over has ended.');
  }
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

// Refresh tokens issued before sessions counted generations: random, stored as a hash.
const LEGACY_REFRESH_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/**
 * Sessions and their tokens: a login opens a session, every refresh rotates
 * its refresh token, reuse of a spent one ends it, logout ends it everywhere.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly accessTokens: AccessTokenService,
    private readonly revocations: RevocationList,
    private readonly config: WechatAuthConfig,
    private readonly refreshTokens: RefreshTokenCodec,
  ) {}

  /**
   * Opens a session: the person signed in now, or at `authenticatedAt` for a
   * session handed over from another; `signIn` records the login that opens
   * it in the login history; `handedOverBy`, the session of a hand-off,
   * which must still be live (`HandingSessionEnded` if not).
   * `SessionOwnerGone` when the user was merged away, disabled or deleted a
   * moment ago.
   */
  async start(
    user: User,
    isNew: boolean,
    appKey: string | null,
    client: ClientInfo,
    authenticatedAt?: Date | null,
    signIn?: NewSession['signIn'],
    handedOverBy?: string | null,
  ): Promise<TokenPair> {
    // Disabling a user ends their sessions: a hand-off from one of them has nothing left to hand over.
    if (user.status !== 'active') throw handedOverBy ? new HandingSessionEnded() : new AppError('user_disabled');
    const expiresAt = this.refreshExpiry();
    // Every wx.login opens a session: without a cap they would pile up for the refresh lifetime.
    const session = await this.sessions.create(
      { userId: user.id, appKey, ip: client.ip, userAgent: client.userAgent, expiresAt, authenticatedAt, signIn, handedOverBy },
      this.config.retention.maxSessionsPerUserPerApp,
    );
    if (!session) throw handedOverBy && !(await this.sessions.isActive(handedOverBy)) ? new HandingSessionEnded() : new SessionOwnerGone();
    return this.handOut(user, isNew, session, authenticatedAt ?? new Date());
  }

  /**
   * A returning login's session, opened by the statement that writes its
   * sign-in (`stamp`): one round trip and one commit. `SessionOwnerGone` when
   * the identity had no user to stamp a moment ago (its user merged away:
   * trying again follows the identity to the survivor).
   */
  async startSignedIn(stamp: SignInStamp, appKey: string | null, client: ClientInfo, signIn: NewSession['signIn']): Promise<TokenPair> {
    const opened = await this.sessions.createSignedIn(
      stamp,
      { appKey, ip: client.ip, userAgent: client.userAgent, expiresAt: this.refreshExpiry(), signIn },
      this.config.retention.maxSessionsPerUserPerApp,
    );
    if (!opened) throw new SessionOwnerGone();
    if (!opened.session) throw new AppError('user_disabled');
    return this.handOut(opened.user, false, opened.session, new Date());
  }

  async refresh(presented: string): Promise<TokenPair> {
    const result = await this.rotate(presented);
    switch (result.outcome) {
      case 'unknown':
        throw new AppError('refresh_token_invalid');
      case 'reused':
        await this.revoke([result.sessionId], 'refresh_token_reused');
        throw new AppError('refresh_token_reused');
      case 'session_ended':
        throw new AppError(result.user?.status === 'disabled' ? 'user_disabled' : 'session_revoked');
      case 'rotated':
        if (result.user.status !== 'active') throw new AppError('user_disabled');
        return this.tokenPair(
          result.user,
          false,
          { sessionId: result.session.id, generation: result.session.refreshGeneration },
          result.session.authenticatedAt ?? result.session.createdAt,
        );
    }
  }

  async logout(sessionId: string): Promise<void> {
    await this.revoke([sessionId], 'logout');
  }

  /** Ends sessions on every instance; this one refuses their tokens from the very next request. */
  async revoke(sessionIds: string[], reason: string): Promise<number> {
    const validForMs = revocationWindowMs(this.config.auth.accessTtlSeconds);
    const revoked = await this.sessions.revoke(sessionIds, reason, validForMs);
    for (const sessionId of sessionIds) this.revocations.add({ sessionId, until: Date.now() + validForMs });
    return revoked.length;
  }

  /** The caller's live sessions; `current` marks the one its token belongs to. */
  async listOwn(caller: AuthUser): Promise<Array<ActiveSession & { current: boolean }>> {
    return (await this.sessions.listActive(caller.id)).map((session) => ({ ...session, current: session.id === caller.sessionId }));
  }

  /** Ends one of the caller's live sessions (the current one too); any other id is not found. */
  async endOwn(caller: AuthUser, sessionId: string): Promise<void> {
    const own = await this.sessions.activeSessionIds(caller.id);
    if (!own.includes(sessionId)) throw new AppError('not_found', 'You have no active session with this id.');
    await this.revoke([sessionId], 'logout');
  }

  /** In a deletion's transaction: ends every session of the user and erases where they came from. */
  async endAllOfDeletedUser(db: EntityManager, userId: string): Promise<void> {
    const validForMs = revocationWindowMs(this.config.auth.accessTtlSeconds);
    const ended = await this.sessions.eraseForDeletedUser(db, userId, validForMs);
    // Refused here at once; other instances hear of it when the deletion commits.
    for (const sessionId of ended) this.revocations.add({ sessionId, until: Date.now() + validForMs });
  }

  /** Ends every active session of a user (those opened through one app only, when `appKey` is given). */
  async revokeUserSessions(userId: string, reason: string, appKey?: string): Promise<number> {
    const validForMs = revocationWindowMs(this.config.auth.accessTtlSeconds);
    const ended = await this.sessions.revokeOfUser(userId, reason, appKey, validForMs);
    for (const sessionId of ended) this.revocations.add({ sessionId, until: Date.now() + validForMs });
    return ended.length;
  }

  /** A token of the current kind names its session; one issued before sessions counted generations is looked up by its hash. */
  private rotate(presented: string): Promise<RotationResult> {
    if (LEGACY_REFRESH_TOKEN_PATTERN.test(presented)) return this.sessions.rotateLegacy(hashRefreshToken(presented), this.refreshExpiry());
    const claims = this.refreshTokens.read(presented);
    if (!claims) return Promise.resolve({ outcome: 'unknown' });
    return this.sessions.rotate(claims.sessionId, claims.generation, this.refreshExpiry(), this.config.auth.refreshGraceSeconds);
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.config.auth.refreshTtlSeconds * 1000);
  }

  /** The tokens of a session just opened; the sessions it pushed beyond the cap end. */
  private async handOut(user: User, isNew: boolean, session: OpenedSession, authenticatedAt: Date): Promise<TokenPair> {
    if (session.pushedOut.length > 0) await this.revoke(session.pushedOut, 'session_limit');
    return this.tokenPair(user, isNew, { sessionId: session.id, generation: 0 }, authenticatedAt);
  }

  private tokenPair(user: User, isNew: boolean, refresh: RefreshTokenClaims, authenticatedAt: Date): TokenPair {
    return {
      accessToken: this.accessTokens.sign(user, refresh.sessionId, authenticatedAt),
      refreshToken: this.refreshTokens.issue(refresh),
      tokenType: 'Bearer',
      expiresIn: this.accessTokens.expiresIn,
      refreshExpiresIn: this.config.auth.refreshTtlSeconds,
      user: { id: user.id, isNew, nickname: user.nickname, avatarUrl: user.avatarUrl, roles: user.roles },
    };
  }
}

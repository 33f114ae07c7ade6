import { Injectable } from '@nestjs/common';
import { InjectWechatAuthDataSource } from '../core/data-source';
import { DataSource, EntityManager } from 'typeorm';
import { User } from '../users/entities/user.entity';
import { REVOCATION_CHANNEL, SessionRevokedEvent } from '../tokens/revocation/revocation-events';
import { Session } from './session.entity';

export interface NewSession {
  userId: string;
  appKey: string | null;
  ip: string | null;
  userAgent: string | null;
  expiresAt: Date;
}

export interface ActiveSession {
  id: string;
  appKey: string | null;
  createdAt: Date;
  /** When the session last got tokens (its login or its last refresh): access tokens are not tracked one by one. */
  lastUsedAt: Date;
  ip: string | null;
  userAgent: string | null;
}

export type RotationResult =
  | { outcome: 'rotated'; session: Session; user: User }
  | { outcome: 'unknown' }
  | { outcome: 'reused'; sessionId: string }
  | { outcome: 'session_ended'; user: User | null };

@Injectable()
export class SessionsRepository {
  constructor(@InjectWechatAuthDataSource() private readonly dataSource: DataSource) {}

  /** Opens a session with its first refresh token, in one statement (atomic, one round trip). */
  async create(session: NewSession, refreshTokenHash: Buffer): Promise<{ id: string }> {
    const rows = (await this.dataSource.query(
      `WITH opened AS (
         INSERT INTO sessions (user_id, app_key, ip, user_agent, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id
       )
       INSERT INTO refresh_tokens (session_id, token_hash, expires_at) SELECT id, $6, $5 FROM opened RETURNING session_id`,
      [session.userId, session.appKey, session.ip, session.userAgent, session.expiresAt, refreshTokenHash],
    )) as Array<{ session_id: string }>;
    return { id: rows[0].session_id };
  }

  /**
   * Spends a refresh token and stores its successor, atomically: of two
   * requests presenting the same token at once, exactly one wins and the
   * other sees a reuse.
   */
  async rotate(presentedHash: Buffer, nextHash: Buffer, expiresAt: Date): Promise<RotationResult> {
    return this.dataSource.transaction(async (db) => {
      const spent = (await db.query(
        `UPDATE refresh_tokens SET used_at = now()
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
         RETURNING session_id`,
        [presentedHash],
      )) as [Array<{ session_id: string }>, number];
      const sessionId = spent[0][0]?.session_id;
      if (!sessionId) return this.explainUnspendable(db, presentedHash);

      const session = await db.findOneOrFail(Session, { where: { id: sessionId } });
      const user = await db.findOne(User, { where: { id: session.userId } });
      if (session.revokedAt || session.expiresAt <= new Date() || !user) return { outcome: 'session_ended', user };
      await this.insertRefreshToken(db, sessionId, nextHash, expiresAt);
      await db.update(Session, { id: sessionId }, { lastRefreshedAt: new Date(), expiresAt });
      return { outcome: 'rotated', session: { ...session, expiresAt }, user };
    });
  }

  private async explainUnspendable(db: EntityManager, presentedHash: Buffer): Promise<RotationResult> {
    const rows = (await db.query(`SELECT session_id, used_at FROM refresh_tokens WHERE token_hash = $1`, [presentedHash])) as Array<{
      session_id: string;
      used_at: Date | null;
    }>;
    const token = rows[0];
    return token?.used_at ? { outcome: 'reused', sessionId: token.session_id } : { outcome: 'unknown' };
  }

  /**
   * Ends sessions and tells every instance at once, in one transaction: the
   * NOTIFY is delivered only if the revocation is committed.
   */
  async revoke(sessionIds: string[], reason: string, tokensValidForMs: number): Promise<string[]> {
    if (sessionIds.length === 0) return [];
    return this.dataSource.transaction(async (db) => {
      const [rows] = (await db.query(
        `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
         WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL RETURNING id`,
        [sessionIds, reason],
      )) as [Array<{ id: string }>, number];
      const until = Date.now() + tokensValidForMs;
      for (const { id } of rows) {
        const event: SessionRevokedEvent = { sessionId: id, until };
        await db.query('SELECT pg_notify($1, $2)', [REVOCATION_CHANNEL, JSON.stringify(event)]);
      }
      return rows.map((row) => row.id);
    });
  }

  async activeSessionIds(userId: string, appKey?: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM sessions
       WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() AND ($2::text IS NULL OR app_key = $2)`,
      [userId, appKey ?? null],
    )) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  /** A user's live sessions, most recently used first. */
  async listActive(userId: string): Promise<ActiveSession[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, app_key, created_at, coalesce(last_refreshed_at, created_at) AS last_used_at, ip, user_agent FROM sessions
       WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()
       ORDER BY last_used_at DESC, id`,
      [userId],
    )) as Array<{ id: string; app_key: string | null; created_at: Date; last_used_at: Date; ip: string | null; user_agent: string | null }>;
    return rows.map((row) => ({ id: row.id, appKey: row.app_key, createdAt: row.created_at, lastUsedAt: row.last_used_at, ip: row.ip, userAgent: row.user_agent }));
  }

  /** Sessions ended recently enough that some of their access tokens may still be unexpired. */
  async recentlyRevoked(withinMs: number): Promise<SessionRevokedEvent[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, revoked_at FROM sessions WHERE revoked_at > now() - make_interval(secs => $1)`,
      [withinMs / 1000],
    )) as Array<{ id: string; revoked_at: Date }>;
    return rows.map((row) => ({ sessionId: row.id, until: row.revoked_at.getTime() + withinMs }));
  }

  private async insertRefreshToken(db: EntityManager, sessionId: string, hash: Buffer, expiresAt: Date): Promise<void> {
    await db.query(`INSERT INTO refresh_tokens (session_id, token_hash, expires_at) VALUES ($1, $2, $3)`, [sessionId, hash, expiresAt]);
  }
}

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

export type RotationResult =
  | { outcome: 'rotated'; session: Session; user: User }
  | { outcome: 'unknown' }
  | { outcome: 'reused'; sessionId: string }
  | { outcome: 'session_ended'; user: User | null };

@Injectable()
export class SessionsRepository {
  constructor(@InjectWechatAuthDataSource() private readonly dataSource: DataSource) {}

  /** Opens a session at refresh generation 0. */
  async create(session: NewSession): Promise<{ id: string }> {
    const rows = (await this.dataSource.query(
      `INSERT INTO sessions (user_id, app_key, ip, user_agent, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [session.userId, session.appKey, session.ip, session.userAgent, session.expiresAt],
    )) as Array<{ id: string }>;
    return { id: rows[0].id };
  }

  /**
   * Moves a session from `generation` to the next one with one conditional
   * UPDATE: of two requests presenting the same token at once, exactly one
   * wins and the other sees a reuse. No row is written.
   */
  async rotate(sessionId: string, generation: number, expiresAt: Date): Promise<RotationResult> {
    return this.dataSource.transaction(async (db) => {
      const [rows] = (await db.query(
        `UPDATE sessions SET refresh_generation = refresh_generation + 1, last_refreshed_at = now(), expires_at = $3
         WHERE id = $1 AND refresh_generation = $2 AND revoked_at IS NULL AND expires_at > now()
         RETURNING id`,
        [sessionId, generation, expiresAt],
      )) as [Array<{ id: string }>, number];
      if (rows.length === 0) return this.explainUnrotatable(db, sessionId, generation);
      return this.rotated(db, sessionId);
    });
  }

  /** Spends a refresh token stored before sessions counted generations, and moves its session to the next generation. */
  async rotateLegacy(presentedHash: Buffer, expiresAt: Date): Promise<RotationResult> {
    return this.dataSource.transaction(async (db) => {
      const spent = (await db.query(
        `UPDATE refresh_tokens SET used_at = now()
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
         RETURNING session_id`,
        [presentedHash],
      )) as [Array<{ session_id: string }>, number];
      const sessionId = spent[0][0]?.session_id;
      if (!sessionId) return this.explainUnspendableLegacy(db, presentedHash);
      const [advanced] = (await db.query(
        `UPDATE sessions SET refresh_generation = refresh_generation + 1, last_refreshed_at = now(), expires_at = $2
         WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()
         RETURNING id`,
        [sessionId, expiresAt],
      )) as [Array<{ id: string }>, number];
      if (advanced.length === 0) return { outcome: 'session_ended', user: await this.ownerOf(db, sessionId) };
      return this.rotated(db, sessionId);
    });
  }

  private async rotated(db: EntityManager, sessionId: string): Promise<RotationResult> {
    const session = await db.findOneOrFail(Session, { where: { id: sessionId } });
    const user = await db.findOne(User, { where: { id: session.userId } });
    return user ? { outcome: 'rotated', session, user } : { outcome: 'session_ended', user: null };
  }

  private async ownerOf(db: EntityManager, sessionId: string): Promise<User | null> {
    const session = await db.findOne(Session, { where: { id: sessionId } });
    return session ? db.findOne(User, { where: { id: session.userId } }) : null;
  }

  private async explainUnrotatable(db: EntityManager, sessionId: string, generation: number): Promise<RotationResult> {
    const session = await db.findOne(Session, { where: { id: sessionId } });
    if (!session) return { outcome: 'unknown' };
    if (generation < session.refreshGeneration) return { outcome: 'reused', sessionId };
    if (session.revokedAt) return { outcome: 'session_ended', user: await db.findOne(User, { where: { id: session.userId } }) };
    return { outcome: 'unknown' };
  }

  private async explainUnspendableLegacy(db: EntityManager, presentedHash: Buffer): Promise<RotationResult> {
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

  /** Live sessions of a user in one app beyond the newest `keep`: the ones a new login pushes out. */
  async liveSessionsBeyond(userId: string, appKey: string | null, keep: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM sessions
       WHERE user_id = $1 AND app_key IS NOT DISTINCT FROM $2 AND revoked_at IS NULL AND expires_at > now()
       ORDER BY created_at DESC, id DESC OFFSET $3`,
      [userId, appKey, keep],
    )) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  async activeSessionIds(userId: string, appKey?: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM sessions
       WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() AND ($2::text IS NULL OR app_key = $2)`,
      [userId, appKey ?? null],
    )) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  /** Sessions ended recently enough that some of their access tokens may still be unexpired. */
  async recentlyRevoked(withinMs: number): Promise<SessionRevokedEvent[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, revoked_at FROM sessions WHERE revoked_at > now() - make_interval(secs => $1)`,
      [withinMs / 1000],
    )) as Array<{ id: string; revoked_at: Date }>;
    return rows.map((row) => ({ sessionId: row.id, until: row.revoked_at.getTime() + withinMs }));
  }
}

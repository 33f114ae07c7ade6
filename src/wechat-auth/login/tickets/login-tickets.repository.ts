import { Injectable } from '@nestjs/common';
import { InjectWechatAuthDataSource } from '../../core/data-source';
import { DataSource } from 'typeorm';

export interface NewLoginTicket {
  identityId: string;
  appKey: string;
  isNew: boolean;
  /** A hand-off ticket: when the person last signed in; the session it opens keeps that time. */
  authenticatedAt?: Date | null;
  /** A browser login's ticket: SHA-256 of the verifier the browser must show (PKCE). */
  challenge?: Buffer | null;
  /** A hand-off ticket: the session that asked for it, which must still be live when the ticket is traded. */
  issuerSessionId?: string | null;
}

type SpentRow = {
  identity_id: string;
  app_key: string;
  is_new: boolean;
  authenticated_at: Date | null;
  challenge: Buffer | null;
  issuer_session_id: string | null;
};

@Injectable()
export class LoginTicketsRepository {
  constructor(@InjectWechatAuthDataSource() private readonly dataSource: DataSource) {}

  async create(ticketHash: Buffer, ticket: NewLoginTicket, ttlSeconds: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO login_tickets (ticket_hash, identity_id, app_key, is_new, authenticated_at, challenge, issuer_session_id, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))`,
      [ticketHash, ticket.identityId, ticket.appKey, ticket.isNew, ticket.authenticatedAt ?? null, ticket.challenge ?? null, ticket.issuerSessionId ?? null, ttlSeconds],
    );
  }

  /**
   * The identity a hand-off ticket names: the one of the app the caller's
   * session was opened through, or else the user's oldest.
   */
  async handOffIdentity(userId: string, sessionId: string): Promise<{ identityId: string; appKey: string } | null> {
    const rows = (await this.dataSource.query(
      `SELECT identity.id, identity.app_key FROM wechat_identities identity
       LEFT JOIN sessions session ON session.id = $2 AND session.user_id = identity.user_id
       WHERE identity.user_id = $1
       ORDER BY (identity.app_key = session.app_key) DESC NULLS LAST, identity.created_at
       LIMIT 1`,
      [userId, sessionId],
    )) as Array<{ id: string; app_key: string }>;
    return rows[0] ? { identityId: rows[0].id, appKey: rows[0].app_key } : null;
  }

  /** Spends a ticket: of two requests presenting it at once, only one gets it. */
  async spend(ticketHash: Buffer): Promise<NewLoginTicket | null> {
    const [rows] = (await this.dataSource.query(
      `DELETE FROM login_tickets WHERE ticket_hash = $1 AND expires_at > now()
       RETURNING identity_id, app_key, is_new, authenticated_at, challenge, issuer_session_id`,
      [ticketHash],
    )) as [SpentRow[], number];
    const row = rows[0];
    return row
      ? {
          identityId: row.identity_id,
          appKey: row.app_key,
          isNew: row.is_new,
          authenticatedAt: row.authenticated_at,
          challenge: row.challenge,
          issuerSessionId: row.issuer_session_id,
        }
      : null;
  }

  async purgeExpired(): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_tickets WHERE expires_at < now()`);
  }
}

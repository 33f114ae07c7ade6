import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InjectWechatAuthDataSource } from '../../core/data-source';
import type { ExchangedIdentity } from '../../wechat/code-exchange/code-exchange.entity';

export interface SpentBindTicket {
  appKey: string;
  identity: ExchangedIdentity;
}

@Injectable()
export class BindTicketsRepository {
  constructor(@InjectWechatAuthDataSource() private readonly dataSource: DataSource) {}

  async create(ticketHash: Buffer, sessionId: string, appKey: string, identity: ExchangedIdentity, ttlSeconds: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO bind_tickets (ticket_hash, session_id, app_key, identity, expires_at) VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [ticketHash, sessionId, appKey, JSON.stringify(identity), ttlSeconds],
    );
  }

  /**
   * Spends a ticket: of two requests presenting it, one gets it. Presented by
   * another session than the one it was issued to, or once that session has
   * ended (logged out, revoked, expired, its user disabled), it is burnt and
   * nobody gets it. Judged by the statement that spends it.
   */
  async spend(ticketHash: Buffer, sessionId: string): Promise<SpentBindTicket | null> {
    const [rows] = (await this.dataSource.query(
      `DELETE FROM bind_tickets ticket WHERE ticket_hash = $1 AND expires_at > now()
       RETURNING session_id, app_key, identity, EXISTS (
         SELECT 1 FROM sessions session JOIN users owner ON owner.id = session.user_id
         WHERE session.id = ticket.session_id AND session.revoked_at IS NULL AND session.expires_at > now() AND owner.status = 'active'
       ) AS session_live`,
      [ticketHash],
    )) as [Array<{ session_id: string; app_key: string; identity: ExchangedIdentity; session_live: boolean }>, number];
    const row = rows[0];
    return row && row.session_id === sessionId && row.session_live ? { appKey: row.app_key, identity: row.identity } : null;
  }

  async purgeExpired(): Promise<void> {
    await this.dataSource.query(`DELETE FROM bind_tickets WHERE expires_at < now()`);
  }
}

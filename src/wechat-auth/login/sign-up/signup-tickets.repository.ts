import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InjectWechatAuthDataSource } from '../../core/data-source';
import type { ExchangedIdentity } from '../../wechat/code-exchange/code-exchange.entity';

export interface HeldSignUp {
  appKey: string;
  identity: ExchangedIdentity;
  /** Sealed. */
  sessionKey: string | null;
  /** An OAuth login's: SHA-256 of the verifier that must come with the ticket (PKCE). */
  challenge: Buffer | null;
}

type HeldRow = { app_key: string; identity: ExchangedIdentity; session_key: string | null; challenge: Buffer | null };

function toHeld(row: HeldRow | undefined): HeldSignUp | null {
  return row ? { appKey: row.app_key, identity: row.identity, sessionKey: row.session_key, challenge: row.challenge } : null;
}

@Injectable()
export class SignupTicketsRepository {
  constructor(@InjectWechatAuthDataSource() private readonly dataSource: DataSource) {}

  async create(ticketHash: Buffer, held: HeldSignUp, ttlSeconds: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO signup_tickets (ticket_hash, app_key, identity, session_key, challenge, expires_at) VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
      [ticketHash, held.appKey, JSON.stringify(held.identity), held.sessionKey, held.challenge, ttlSeconds],
    );
  }

  async find(ticketHash: Buffer): Promise<HeldSignUp | null> {
    const rows = (await this.dataSource.query(`SELECT app_key, identity, session_key, challenge FROM signup_tickets WHERE ticket_hash = $1 AND expires_at > now()`, [
      ticketHash,
    ])) as HeldRow[];
    return toHeld(rows[0]);
  }

  /** Of two requests spending one ticket, one gets it. */
  async spend(ticketHash: Buffer): Promise<HeldSignUp | null> {
    const [rows] = (await this.dataSource.query(
      `DELETE FROM signup_tickets WHERE ticket_hash = $1 AND expires_at > now() RETURNING app_key, identity, session_key, challenge`,
      [ticketHash],
    )) as [HeldRow[], number];
    return toHeld(rows[0]);
  }

  async purgeExpired(): Promise<void> {
    await this.dataSource.query(`DELETE FROM signup_tickets WHERE expires_at < now()`);
  }
}

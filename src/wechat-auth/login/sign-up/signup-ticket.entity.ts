import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ExchangedIdentity } from '../../wechat/code-exchange/code-exchange.entity';

/**
 * A sign-up waiting for the person's phone (policy `require-phone`): what
 * WeChat said about an identity nobody holds, kept only under the ticket's
 * hash until the phone is shown. Nothing else is written before that.
 */
@Entity({ name: 'signup_tickets' })
@Index('signup_tickets_expires_at_idx', ['expiresAt'])
export class SignupTicket {
  @PrimaryColumn({ name: 'ticket_hash', type: 'bytea' })
  ticketHash: Buffer;

  @Column({ name: 'app_key', type: 'text' })
  appKey: string;

  /** openid, unionid, profile. */
  @Column({ type: 'jsonb' })
  identity: ExchangedIdentity;

  /** The Mini Program session_key of the login, sealed, so encrypted data works right after the sign-up. */
  @Column({ name: 'session_key', type: 'text', nullable: true })
  sessionKey: string | null;

  /**
   * A sign-up that began with an OAuth login (the ticket travels in the return
   * URL): the SHA-256 of the verifier the browser that started it must show.
   */
  @Column({ type: 'bytea', nullable: true })
  challenge: Buffer | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}

import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { Session } from '../../sessions/session.entity';
import type { ExchangedIdentity } from '../../wechat/code-exchange/code-exchange.entity';

/** A one-time ticket to bind the identity WeChat vouched for to the session that started the bind; kept only as its hash. */
@Entity({ name: 'bind_tickets' })
@Index('bind_tickets_expires_at_idx', ['expiresAt'])
@Index('bind_tickets_session_id_idx', ['sessionId'])
export class BindTicket {
  @PrimaryColumn({ name: 'ticket_hash', type: 'bytea' })
  ticketHash: Buffer;

  @Column({ name: 'session_id', type: 'uuid' })
  @ForeignKey(() => Session, { name: 'bind_tickets_session_id_fkey', onDelete: 'CASCADE' })
  sessionId: string;

  @Column({ name: 'app_key', type: 'text' })
  appKey: string;

  /** What WeChat said: openid, unionid, profile. Never a token. */
  @Column({ type: 'jsonb' })
  identity: ExchangedIdentity;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}

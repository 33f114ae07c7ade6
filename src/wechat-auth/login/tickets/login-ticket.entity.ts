import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { Session } from '../../sessions/session.entity';
import { WechatIdentity } from '../../users/entities/wechat-identity.entity';

/**
 * A one-time ticket the OAuth callback hands the browser in the URL fragment,
 * kept only as its hash. It names the identity rather than the user, so a
 * merge of users between callback and redemption cannot orphan it.
 */
@Entity({ name: 'login_tickets' })
@Index('login_tickets_expires_at_idx', ['expiresAt'])
@Index('login_tickets_identity_id_idx', ['identityId'])
@Index('login_tickets_issuer_session_id_idx', ['issuerSessionId'])
export class LoginTicket {
  @PrimaryColumn({ name: 'ticket_hash', type: 'bytea' })
  ticketHash: Buffer;

  @Column({ name: 'identity_id', type: 'uuid' })
  @ForeignKey(() => WechatIdentity, { name: 'login_tickets_identity_id_fkey', onDelete: 'CASCADE' })
  identityId: string;

  @Column({ name: 'app_key', type: 'text' })
  appKey: string;

  @Column({ name: 'is_new', type: 'boolean' })
  isNew: boolean;

  /** A browser login's ticket: the SHA-256 of the verifier that must come with it (PKCE). */
  @Column({ type: 'bytea', nullable: true })
  challenge: Buffer | null;

  /** A hand-off ticket: when the person behind it last proved who they are; the new session inherits it. */
  @Column({ name: 'authenticated_at', type: 'timestamptz', nullable: true })
  authenticatedAt: Date | null;

  /** A hand-off ticket: the session that asked for it. The ticket opens a session only while that one is live. */
  @Column({ name: 'issuer_session_id', type: 'uuid', nullable: true })
  @ForeignKey(() => Session, { name: 'login_tickets_issuer_session_id_fkey', onDelete: 'CASCADE' })
  issuerSessionId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}

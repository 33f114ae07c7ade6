import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A one-time ticket the OAuth callback hands the browser in the URL fragment,
 * kept only as its hash. It names the identity rather than the user, so a
 * merge of users between callback and redemption cannot orphan it.
 */
@Entity({ name: 'login_tickets' })
export class LoginTicket {
  @PrimaryColumn({ name: 'ticket_hash', type: 'bytea' })
  ticketHash: Buffer;

  @Column({ name: 'identity_id', type: 'uuid' })
  identityId: string;

  @Column({ name: 'app_key', type: 'text' })
  appKey: string;

  @Column({ name: 'is_new', type: 'boolean' })
  isNew: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}

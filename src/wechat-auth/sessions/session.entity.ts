import { Column, CreateDateColumn, Entity, ForeignKey, Index } from 'typeorm';
import { TimeOrderedId } from '../core/time-ordered-id';
import { User } from '../users/entities/user.entity';

/**
 * One login: the family of refresh tokens it hands out (see RefreshTokenCodec). Access tokens carry
 * its id (`sid`), so ending the session ends every token of that login.
 */
@Entity({ name: 'sessions' })
@Index('sessions_user_id_idx', ['userId'])
@Index('sessions_revoked_at_idx', ['revokedAt'], { where: 'revoked_at IS NOT NULL' })
export class Session {
  @TimeOrderedId()
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  @ForeignKey(() => User, { name: 'sessions_user_id_fkey', onDelete: 'CASCADE' })
  userId: string;

  /** The app key the user logged in with. */
  @Column({ name: 'app_key', type: 'text', nullable: true })
  appKey: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** When the person last proved who they are, if not when the session was opened (a session handed over from another). */
  @Column({ name: 'authenticated_at', type: 'timestamptz', nullable: true })
  authenticatedAt: Date | null;

  @Column({ name: 'last_refreshed_at', type: 'timestamptz', nullable: true })
  lastRefreshedAt: Date | null;

  @Index('sessions_expires_at_idx')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /** How often the session's refresh token was rotated: only a token of this generation refreshes. */
  @Column({ name: 'refresh_generation', type: 'integer', default: 0 })
  refreshGeneration: number;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_reason', type: 'text', nullable: true })
  revokedReason: string | null;

  @Column({ type: 'text', nullable: true })
  ip: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent: string | null;
}

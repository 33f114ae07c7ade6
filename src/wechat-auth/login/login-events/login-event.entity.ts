import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index } from 'typeorm';
import { TimeOrderedId } from '../../core/time-ordered-id';
import { User } from '../../users/entities/user.entity';

/** One login attempt or account event, kept for admins and for abuse analysis. */
@Entity({ name: 'login_events' })
@Check('login_events_result_check', `result IN ('success', 'failure')`)
// Both are (… DESC) in the migration: newest first.
@Index('login_events_user_id_created_at_idx', ['userId', 'createdAt'])
@Index('login_events_created_at_idx', ['createdAt'])
export class LoginEvent {
  @TimeOrderedId()
  id: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  @ForeignKey(() => User, { name: 'login_events_user_id_fkey', onDelete: 'SET NULL' })
  userId: string | null;

  @Column({ type: 'text' })
  kind: string;

  @Column({ name: 'app_key', type: 'text', nullable: true })
  appKey: string | null;

  @Column({ type: 'text' })
  result: 'success' | 'failure';

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode: string | null;

  @Column({ type: 'text', nullable: true })
  ip: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent: string | null;

  @Column({ type: 'jsonb', nullable: true })
  detail: Record<string, string | number | boolean | null> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

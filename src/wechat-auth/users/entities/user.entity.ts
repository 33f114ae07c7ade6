import { Check, Column, CreateDateColumn, Entity, Index, OneToMany, UpdateDateColumn } from 'typeorm';
import { TimeOrderedId } from '../../core/time-ordered-id';
import { WechatIdentity } from './wechat-identity.entity';

export type UserStatus = 'active' | 'disabled' | 'deleted';

/** A person. Each WeChat app they used is one WechatIdentity bound to this row. */
@Entity({ name: 'users' })
@Check('users_status_check', `status IN ('active', 'disabled', 'deleted')`)
@Index('users_unionid_key', ['unionid'], { unique: true, where: 'unionid IS NOT NULL' })
// One user per verified phone number (PHONE_UNIQUE_INDEX).
@Index('users_phone_key', ['phone'], { unique: true, where: 'phone IS NOT NULL' })
@Index('users_status_changed_at_idx', ['statusChangedAt'], { where: 'status_changed_at IS NOT NULL' })
// The admin list pages newest first; the migration orders these (created_at DESC, id DESC), which TypeORM cannot say.
@Index('users_created_at_id_idx', ['createdAt', 'id'])
@Index('users_status_created_at_id_idx', ['status', 'createdAt', 'id'])
@Index('users_linked_created_at_id_idx', ['createdAt', 'id'], { where: 'unionid IS NOT NULL' })
@Index('users_unlinked_created_at_id_idx', ['createdAt', 'id'], { where: 'unionid IS NULL' })
// A GIN trigram index (nickname substring search): TypeORM cannot describe one, so it leaves it to the migration.
@Index('users_nickname_trgm_idx', { synchronize: false })
export class User {
  @TimeOrderedId()
  id: string;

  /** Shared by all of this person's identities in apps bound to one Open Platform account. */
  @Column({ type: 'text', nullable: true })
  unionid: string | null;

  @Column({ type: 'text', nullable: true })
  nickname: string | null;

  @Column({ name: 'avatar_url', type: 'text', nullable: true })
  avatarUrl: string | null;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ type: 'text', array: true, default: () => "'{user}'" })
  roles: string[];

  @Column({ type: 'text', default: 'active' })
  status: UserStatus;

  /** Lets every instance reload recent disables after it reconnects. */
  @Column({ name: 'status_changed_at', type: 'timestamptz', nullable: true })
  statusChangedAt: Date | null;

  /** A deleted user is a tombstone: its id, this time, and nothing personal. */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @OneToMany(() => WechatIdentity, (identity) => identity.user)
  identities?: WechatIdentity[];
}

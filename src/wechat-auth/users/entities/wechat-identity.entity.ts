import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { TimeOrderedId } from '../../core/time-ordered-id';
import type { WechatAppType } from '../../wechat/apps/wechat-app';
import { User } from './user.entity';

/** One (appid, openid) as WeChat's server answered it, bound to exactly one user. */
@Entity({ name: 'wechat_identities' })
@Unique('wechat_identities_appid_openid_key', ['appid', 'openid'])
@Check('wechat_identities_app_type_check', `app_type IN ('miniprogram', 'official_account', 'website', 'mobile_app')`)
@Index('wechat_identities_user_id_idx', ['userId'])
@Index('wechat_identities_unionid_idx', ['unionid'], { where: 'unionid IS NOT NULL' })
@Index('wechat_identities_app_key_user_id_idx', ['appKey', 'userId'])
export class WechatIdentity {
  @TimeOrderedId()
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, (user) => user.identities, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'wechat_identities_user_id_fkey' })
  user?: User;

  @Column({ name: 'app_key', type: 'text' })
  appKey: string;

  @Column({ type: 'text' })
  appid: string;

  @Column({ name: 'app_type', type: 'text' })
  appType: WechatAppType;

  @Column({ type: 'text' })
  openid: string;

  @Column({ type: 'text', nullable: true })
  unionid: string | null;

  /** Mini Program only, sealed by DataCipher; never selected unless asked for, so it cannot leak through a relation. */
  @Column({ name: 'session_key', type: 'text', nullable: true, select: false })
  sessionKey?: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;
}

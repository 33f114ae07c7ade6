import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { WechatIdentity } from './wechat-identity.entity';

export type UserStatus = 'active' | 'disabled';

/** A person. Each WeChat app they used is one WechatIdentity bound to this row. */
@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn('uuid')
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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @OneToMany(() => WechatIdentity, (identity) => identity.user)
  identities?: WechatIdentity[];
}

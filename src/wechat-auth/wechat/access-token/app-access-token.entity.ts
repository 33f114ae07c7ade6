import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The app access_token of one WeChat app, shared by every instance through PostgreSQL. */
@Entity({ name: 'wechat_app_tokens' })
export class AppAccessToken {
  @PrimaryColumn({ type: 'text' })
  appid: string;

  /** Sealed by DataCipher: never the token in clear. */
  @Column({ name: 'access_token', type: 'text' })
  accessToken: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /** When an instance should start fetching the next token; until then the cached one is used as is. */
  @Column({ name: 'refresh_after', type: 'timestamptz' })
  refreshAfter: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

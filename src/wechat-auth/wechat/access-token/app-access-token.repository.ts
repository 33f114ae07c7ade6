import { Injectable } from '@nestjs/common';
import { InjectWechatAuthDataSource } from '../../core/data-source';
import { DataSource, EntityManager } from 'typeorm';
import { DataCipher } from '../../core/crypto/data-cipher';
import { AppAccessToken } from './app-access-token.entity';

export interface CachedAppToken {
  token: string;
  expiresAt: Date;
  refreshAfter: Date;
}

const sealContext = (appid: string) => `wechat_app_tokens.access_token:${appid}`;

/** Reads and writes the shared token of one app, through a connection or a locked transaction. */
export class AppTokenStore {
  constructor(
    private readonly db: EntityManager,
    private readonly cipher: DataCipher,
    private readonly appid: string,
  ) {}

  /** The cached token, or undefined when there is none or it was sealed with a key we no longer hold. */
  async read(): Promise<CachedAppToken | undefined> {
    const row = await this.db.findOne(AppAccessToken, { where: { appid: this.appid } });
    const token = row ? this.cipher.open(row.accessToken, sealContext(this.appid)) : undefined;
    return row && token ? { token, expiresAt: row.expiresAt, refreshAfter: row.refreshAfter } : undefined;
  }

  async save(cached: CachedAppToken): Promise<void> {
    await this.db.query(
      `INSERT INTO wechat_app_tokens (appid, access_token, expires_at, refresh_after) VALUES ($1, $2, $3, $4)
       ON CONFLICT (appid) DO UPDATE SET access_token = $2, expires_at = $3, refresh_after = $4, updated_at = now()`,
      [this.appid, this.cipher.seal(cached.token, sealContext(this.appid)), cached.expiresAt, cached.refreshAfter],
    );
  }
}

/** The app access_tokens every instance shares, encrypted at rest, and the lock that lets one instance at a time renew one. */
@Injectable()
export class AppAccessTokenRepository {
  constructor(
    @InjectWechatAuthDataSource() private readonly dataSource: DataSource,
    private readonly cipher: DataCipher,
  ) {}

  read(appid: string): Promise<CachedAppToken | undefined> {
    return new AppTokenStore(this.dataSource.manager, this.cipher, appid).read();
  }

  /**
   * Runs `work` in a transaction holding the app's advisory lock, so no two
   * instances renew the same app's token at once. With `wait` false, gives up
   * at once (undefined) when another instance holds the lock.
   */
  underLock<T>(appid: string, wait: boolean, work: (store: AppTokenStore) => Promise<T>): Promise<T | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const key = `wechat_app_token:${appid}`;
      if (wait) {
        await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
      } else {
        const [{ locked }] = (await manager.query('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked', [key])) as Array<{ locked: boolean }>;
        if (!locked) return undefined;
      }
      return work(new AppTokenStore(manager, this.cipher, appid));
    });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectWechatAuthDataSource } from '../core/data-source';
import { DataSource } from 'typeorm';
import { DataCipher } from '../core/crypto/data-cipher';

export interface HeldSessionKey {
  openid: string;
  sessionKey: string;
}

// Binds a sealed session_key to its identity row: copied onto another row, it won't open.
const sealContext = (identityId: string) => `wechat_identities.session_key:${identityId}`;

/** The Mini Program session_key of each identity, encrypted at rest. The only code that seals or opens it. */
@Injectable()
export class SessionKeyRepository {
  constructor(
    @InjectWechatAuthDataSource() private readonly dataSource: DataSource,
    private readonly cipher: DataCipher,
  ) {}

  async replace(identityId: string, sessionKey: string): Promise<void> {
    await this.dataSource.query('UPDATE wechat_identities SET session_key = $2 WHERE id = $1', [identityId, this.sealFor(identityId, sessionKey)]);
  }

  /** The session_key as stored on that identity's row, for a caller that writes the row anyway (a returning login). */
  sealFor(identityId: string, sessionKey: string): string {
    return this.cipher.seal(sessionKey, sealContext(identityId));
  }

  /** The session_key of the user's identity in that app (with its openid), or undefined when none is held or it no longer opens. */
  async find(userId: string, appid: string): Promise<HeldSessionKey | undefined> {
    const rows = (await this.dataSource.query('SELECT id, openid, session_key FROM wechat_identities WHERE user_id = $1 AND appid = $2', [
      userId,
      appid,
    ])) as Array<{ id: string; openid: string; session_key: string | null }>;
    const row = rows[0];
    const sessionKey = row?.session_key ? this.cipher.open(row.session_key, sealContext(row.id)) : undefined;
    return sessionKey ? { openid: row.openid, sessionKey } : undefined;
  }
}

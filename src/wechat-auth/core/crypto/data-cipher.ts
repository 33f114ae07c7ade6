import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { WechatAuthConfig, DataKey } from '../../options/wechat-auth-config';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts secrets we must keep (session keys, app access tokens) before they
 * reach the database: AES-256-GCM, sealed as `v1.<kid>.<iv>.<tag>.<ciphertext>`.
 * The key id travels with the value so a key can be rotated while values sealed
 * with the previous one stay readable. `context` names what the value belongs
 * to and is authenticated, so a sealed value copied onto another row won't open.
 */
@Injectable()
export class DataCipher {
  private readonly current: DataKey;
  private readonly keys: Map<string, Buffer>;

  constructor(config: WechatAuthConfig) {
    this.current = config.dataEncryption.current;
    this.keys = new Map(config.dataEncryption.keys.map((key) => [key.kid, key.key]));
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.current.kid, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  /** The plaintext, or undefined when the value was sealed with a key we no longer hold, for another context, or altered. */
  open(sealed: string, context: string): string | undefined {
    const [version, kid, iv, tag, ciphertext, ...rest] = sealed.split('.');
    const key = this.keys.get(kid);
    if (version !== VERSION || !key || ciphertext === undefined || rest.length > 0) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

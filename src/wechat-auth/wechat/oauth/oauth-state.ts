import { Injectable } from '@nestjs/common';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../core/errors/app-error';
import { WechatAuthConfig } from '../../options/wechat-auth-config';
import { WechatApp } from '../apps/wechat-app';

const VERSION = 1;
const NONCE_BYTES = 12;
const MAC_BYTES = 16;
// version (1) + expiry in Unix seconds (4) + nonce + truncated HMAC-SHA256
const STATE_BYTES = 1 + 4 + NONCE_BYTES + MAC_BYTES;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const STATE_LENGTH = Math.ceil((STATE_BYTES * 8) / Math.log2(ALPHABET.length));
export const STATE_TTL_SECONDS = 600;

function toBase62(bytes: Buffer): string {
  let value = BigInt(`0x${bytes.toString('hex')}`);
  let text = '';
  while (value > 0n) {
    text = ALPHABET[Number(value % 62n)] + text;
    value /= 62n;
  }
  return text.padStart(STATE_LENGTH, '0');
}

function fromBase62(text: string): Buffer | null {
  if (text.length !== STATE_LENGTH || !/^[0-9A-Za-z]+$/.test(text)) return null;
  let value = 0n;
  for (const char of text) value = value * 62n + BigInt(ALPHABET.indexOf(char));
  const hex = value.toString(16).padStart(STATE_BYTES * 2, '0');
  return hex.length === STATE_BYTES * 2 ? Buffer.from(hex, 'hex') : null;
}

export interface VerifiedState {
  /** Unique per state: the key of its single use. */
  nonce: Buffer;
}

/**
 * OAuth states that need no cookie (WeChat's in-app browser loses them):
 * a compact signed token of [0-9A-Za-z] that expires, and is bound to the
 * app and to the return path. Single use is enforced where the code is
 * exchanged (PostgreSQL), so it holds across instances.
 */
@Injectable()
export class OAuthStateSigner {
  private readonly secret: string;

  constructor(config: WechatAuthConfig) {
    this.secret = config.oauth.stateSecret;
  }

  sign(app: WechatApp, returnTo: string, now = Date.now()): string {
    const payload = Buffer.alloc(1 + 4 + NONCE_BYTES);
    payload.writeUInt8(VERSION, 0);
    payload.writeUInt32BE(Math.floor(now / 1000) + STATE_TTL_SECONDS, 1);
    randomBytes(NONCE_BYTES).copy(payload, 5);
    return toBase62(Buffer.concat([payload, this.mac(payload, app, returnTo)]));
  }

  /** The state's nonce, or state_invalid when it is malformed, forged, expired or for another app or return path. */
  verify(state: unknown, app: WechatApp, returnTo: string, now = Date.now()): VerifiedState {
    const bytes = typeof state === 'string' ? fromBase62(state) : null;
    if (!bytes || bytes.readUInt8(0) !== VERSION) throw new AppError('state_invalid');
    const payload = bytes.subarray(0, bytes.length - MAC_BYTES);
    if (!timingSafeEqual(bytes.subarray(payload.length), this.mac(payload, app, returnTo))) throw new AppError('state_invalid');
    if (payload.readUInt32BE(1) * 1000 <= now) throw new AppError('state_invalid', 'The login took too long. Start again.');
    return { nonce: Buffer.from(payload.subarray(5)) };
  }

  private mac(payload: Buffer, app: WechatApp, returnTo: string): Buffer {
    return createHmac('sha256', this.secret)
      .update(payload)
      .update(JSON.stringify([app.key, app.appid, returnTo]))
      .digest()
      .subarray(0, MAC_BYTES);
  }
}

import { Injectable } from '@nestjs/common';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../core/errors/app-error';
import { WechatAuthConfig } from '../../options/wechat-auth-config';
import { WechatApp } from '../apps/wechat-app';

/**
 * A login's state carries the browser's PKCE challenge (the SHA-256 of a
 * verifier only that browser holds); a bind's names the session that started
 * it (16 bytes of its uuid).
 */
const BIND = 2;
const LOGIN = 3;
const NONCE_BYTES = 12;
const SESSION_BYTES = 16;
const CHALLENGE_BYTES = 32;
const MAC_BYTES = 16;
const HEADER_BYTES = 1 + 4 + NONCE_BYTES;
// version (1) + expiry in Unix seconds (4) + nonce + (challenge | session) + truncated HMAC-SHA256
const STATE_BYTES = { [LOGIN]: HEADER_BYTES + CHALLENGE_BYTES + MAC_BYTES, [BIND]: HEADER_BYTES + SESSION_BYTES + MAC_BYTES };
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const lengthOf = (bytes: number) => Math.ceil((bytes * 8) / Math.log2(ALPHABET.length));
export const STATE_TTL_SECONDS = 600;

function toBase62(bytes: Buffer): string {
  let value = BigInt(`0x${bytes.toString('hex')}`);
  let text = '';
  while (value > 0n) {
    text = ALPHABET[Number(value % 62n)] + text;
    value /= 62n;
  }
  return text.padStart(lengthOf(bytes.length), '0');
}

function fromBase62(text: string): Buffer | null {
  const bytes = Object.values(STATE_BYTES).find((size) => lengthOf(size) === text.length);
  if (!bytes || !/^[0-9A-Za-z]+$/.test(text)) return null;
  let value = 0n;
  for (const char of text) value = value * 62n + BigInt(ALPHABET.indexOf(char));
  const hex = value.toString(16).padStart(bytes * 2, '0');
  return hex.length === bytes * 2 ? Buffer.from(hex, 'hex') : null;
}

export interface VerifiedState {
  /** Unique per state: the key of its single use. */
  nonce: Buffer;
  /** A login's state: the SHA-256 of the verifier of the browser that started it. */
  challenge?: Buffer;
  /** A bind's state: the session that started the bind. */
  bindSessionId?: string;
}

/** Who a state is for: the browser holding the challenge's verifier (a login), or a signed-in session (a bind). */
export type StateOwner = { challenge: Buffer } | { bindSessionId: string };

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

  sign(app: WechatApp, returnTo: string, owner: StateOwner, now = Date.now()): string {
    const version = 'bindSessionId' in owner ? BIND : LOGIN;
    const payload = Buffer.alloc(STATE_BYTES[version] - MAC_BYTES);
    payload.writeUInt8(version, 0);
    payload.writeUInt32BE(Math.floor(now / 1000) + STATE_TTL_SECONDS, 1);
    randomBytes(NONCE_BYTES).copy(payload, 5);
    const bound = 'bindSessionId' in owner ? Buffer.from(owner.bindSessionId.replace(/-/g, ''), 'hex') : owner.challenge;
    bound.copy(payload, HEADER_BYTES);
    return toBase62(Buffer.concat([payload, this.mac(payload, app, returnTo)]));
  }

  /** The state's nonce, or state_invalid when it is malformed, forged, expired or for another app or return path. */
  verify(state: unknown, app: WechatApp, returnTo: string, now = Date.now()): VerifiedState {
    const bytes = typeof state === 'string' ? fromBase62(state) : null;
    const version = bytes?.readUInt8(0);
    if (!bytes || (version !== LOGIN && version !== BIND) || bytes.length !== STATE_BYTES[version]) throw new AppError('state_invalid');
    const payload = bytes.subarray(0, bytes.length - MAC_BYTES);
    if (!timingSafeEqual(bytes.subarray(payload.length), this.mac(payload, app, returnTo))) throw new AppError('state_invalid');
    if (payload.readUInt32BE(1) * 1000 <= now) throw new AppError('state_invalid', 'The login took too long. Start again.');
    const nonce = Buffer.from(payload.subarray(5, HEADER_BYTES));
    if (version === LOGIN) return { nonce, challenge: Buffer.from(payload.subarray(HEADER_BYTES)) };
    const session = payload.subarray(HEADER_BYTES).toString('hex');
    return { nonce, bindSessionId: `${session.slice(0, 8)}-${session.slice(8, 12)}-${session.slice(12, 16)}-${session.slice(16, 20)}-${session.slice(20)}` };
  }

  private mac(payload: Buffer, app: WechatApp, returnTo: string): Buffer {
    return createHmac('sha256', this.secret)
      .update(payload)
      .update(JSON.stringify([app.key, app.appid, returnTo]))
      .digest()
      .subarray(0, MAC_BYTES);
  }
}

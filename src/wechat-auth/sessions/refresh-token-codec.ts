import { Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WechatAuthConfig } from '../options/wechat-auth-config';

/** Which session a refresh token belongs to, and the rotation it was issued at. */
export interface RefreshTokenClaims {
  sessionId: string;
  generation: number;
}

const SESSION_BYTES = 16;
const GENERATION_BYTES = 4;
const MAC_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{70}$/;

/**
 * Refresh tokens that need no row of their own: a token is its session id and
 * generation, signed. The session stores only its current generation, so a
 * refresh updates one row, and any older generation that comes back is
 * provably one we issued: a rotated token, whose reuse ends the session. The
 * signing keys are derived from the data-encryption keys, which are kept for
 * as long as anything sealed with them may come back, and every one of them
 * is tried, so the keys can rotate without logging anybody out.
 */
@Injectable()
export class RefreshTokenCodec {
  private readonly keys: Buffer[];

  constructor(config: WechatAuthConfig) {
    this.keys = config.dataEncryption.keys.map((dataKey) => createHmac('sha256', dataKey.key).update('refresh-token').digest());
  }

  static isOwnFormat(token: string): boolean {
    return TOKEN_PATTERN.test(token);
  }

  issue(claims: RefreshTokenClaims): string {
    const payload = this.payload(claims);
    return Buffer.concat([payload, this.mac(this.keys[0], payload)]).toString('base64url');
  }

  /** The claims of a token we signed; null for anything else. */
  read(token: string): RefreshTokenClaims | null {
    if (!RefreshTokenCodec.isOwnFormat(token)) return null;
    const raw = Buffer.from(token, 'base64url');
    const payload = raw.subarray(0, SESSION_BYTES + GENERATION_BYTES);
    const mac = raw.subarray(SESSION_BYTES + GENERATION_BYTES);
    if (mac.length !== MAC_BYTES || !this.keys.some((key) => timingSafeEqual(this.mac(key, payload), mac))) return null;
    const hex = payload.subarray(0, SESSION_BYTES).toString('hex');
    const sessionId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    return { sessionId, generation: payload.readUInt32BE(SESSION_BYTES) };
  }

  private payload({ sessionId, generation }: RefreshTokenClaims): Buffer {
    const generationBytes = Buffer.alloc(GENERATION_BYTES);
    generationBytes.writeUInt32BE(generation);
    return Buffer.concat([Buffer.from(sessionId.replace(/-/g, ''), 'hex'), generationBytes]);
  }

  private mac(key: Buffer, payload: Buffer): Buffer {
    return createHmac('sha256', key).update(payload).digest();
  }
}

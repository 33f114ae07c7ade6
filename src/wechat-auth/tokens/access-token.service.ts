import { Injectable } from '@nestjs/common';
import { createSecretKey, KeyObject } from 'node:crypto';
import * as jwt from 'jsonwebtoken';
import { WechatAuthConfig } from '../options/wechat-auth-config';
import { AppError } from '../core/errors/app-error';
import { AuthUser } from './auth-user';

const ALGORITHM = 'HS256';
const TOKEN_TYPE = 'at+jwt';
const CLOCK_TOLERANCE_SECONDS = 5;
// A client presents the same token for its whole life: remember recent verdicts.
const VERIFIED_TOKENS_KEPT = 10_000;
const BEARER = /^Bearer +([A-Za-z0-9_.-]+) *$/i;
const FNV_PRIME = 16777619;

export interface AccessTokenClaims {
  sub: string;
  sid: string;
  roles: string[];
  auth_time?: number;
  iat: number;
  exp: number;
}

function readHeader(token: string): { kid?: unknown; typ?: unknown } {
  const dot = token.indexOf('.');
  if (dot <= 0) throw new AppError('invalid_token');
  try {
    return JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8')) as { kid?: unknown; typ?: unknown };
  } catch {
    throw new AppError('invalid_token');
  }
}

function isClaims(payload: unknown): payload is AccessTokenClaims {
  const claims = payload as Partial<AccessTokenClaims> | null;
  return (
    typeof claims?.sub === 'string' &&
    typeof claims.sid === 'string' &&
    Array.isArray(claims.roles) &&
    claims.roles.every((role) => typeof role === 'string')
  );
}

interface VerifiedToken {
  /** The whole Authorization header it was verified from. */
  header: string;
  user: AuthUser;
  /** Epoch milliseconds after which the token is refused. */
  refuseAfter: number;
}

/**
 * Signs and verifies access tokens. Keys are turned into KeyObjects once:
 * given a string, jsonwebtoken re-derives the key on every call, which costs
 * far more than the HMAC itself on a guarded route. A token string that
 * verified once verifies forever, so recent verdicts are cached and only the
 * expiry is checked again; revocation is the guard's business, per request.
 */
@Injectable()
export class AccessTokenService {
  private readonly signingKid: string;
  private readonly keys: Map<string, KeyObject>;
  private readonly options: { issuer: string; audience: string; ttl: number };
  /**
   * Recent verdicts, found by a number mixed from the header's last characters
   * and kept only for the exact header text they were asked about; the oldest
   * is forgotten first.
   */
  private readonly verified = new Map<number, VerifiedToken>();

  constructor(config: WechatAuthConfig) {
    const { auth } = config;
    this.signingKid = auth.signingKey.kid;
    this.keys = new Map(auth.verificationKeys.map((key) => [key.kid, createSecretKey(Buffer.from(key.secret, 'utf8'))]));
    this.options = { issuer: auth.issuer, audience: auth.audience, ttl: auth.accessTtlSeconds };
  }

  get expiresIn(): number {
    return this.options.ttl;
  }

  /** `authenticatedAt`: when the person last signed in, which a refresh does not change. */
  sign(user: { id: string; roles: string[] }, sessionId: string, authenticatedAt: Date): string {
    const claims = { sid: sessionId, roles: user.roles, auth_time: Math.floor(authenticatedAt.getTime() / 1000) };
    return jwt.sign(claims, this.keys.get(this.signingKid)!, {
      algorithm: ALGORITHM,
      header: { alg: ALGORITHM, typ: TOKEN_TYPE, kid: this.signingKid },
      issuer: this.options.issuer,
      audience: this.options.audience,
      subject: user.id,
      expiresIn: this.options.ttl,
    });
  }

  /**
   * The user an `Authorization` header's bearer token vouches for. The verdict
   * is remembered under the header's own text, which a client repeats for the
   * token's whole life: a repeat costs one lookup, no parsing.
   */
  authenticate(authorization: string): AuthUser {
    const cacheKey = verdictKey(authorization);
    const cached = this.verified.get(cacheKey);
    if (cached?.header === authorization) return unexpired(cached);
    const token = BEARER.exec(authorization)?.[1];
    if (!token) throw new AppError('invalid_token');
    return this.verifyFresh(token, authorization, cacheKey);
  }

  private verifyFresh(token: string, authorization: string, cacheKey: number): AuthUser {
    const header = readHeader(token);
    const key = typeof header.kid === 'string' ? this.keys.get(header.kid) : undefined;
    if (!key || header.typ !== TOKEN_TYPE) throw new AppError('invalid_token');
    let payload: unknown;
    try {
      payload = jwt.verify(token, key, {
        algorithms: [ALGORITHM],
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
    } catch (error) {
      throw new AppError(error instanceof jwt.TokenExpiredError ? 'token_expired' : 'invalid_token');
    }
    if (!isClaims(payload)) throw new AppError('invalid_token');
    // Frozen: the same object serves every request that presents this token.
    const authTime = typeof payload.auth_time === 'number' ? payload.auth_time : undefined;
    const user = Object.freeze({ id: payload.sub, sessionId: payload.sid, roles: Object.freeze([...payload.roles]) as string[], authTime });
    if (this.verified.size >= VERIFIED_TOKENS_KEPT) this.verified.delete(this.verified.keys().next().value!);
    this.verified.delete(cacheKey);
    this.verified.set(cacheKey, { header: authorization, user, refuseAfter: (payload.exp + CLOCK_TOLERANCE_SECONDS) * 1000 });
    return user;
  }
}

/**
 * Where a header's verdict is kept: a number mixed from its last 8 characters,
 * the end of the token's signature, which differs from token to token. A header
 * arrives as a new string on every request, and a string key costs V8 a slice
 * and a hash of its every character: that cost more than the rest of the guard.
 * Two headers may share a number; the whole text is compared before a verdict
 * is used, so they only take each other's place.
 */
function verdictKey(authorization: string): number {
  let key = 0;
  for (let index = Math.max(0, authorization.length - 8); index < authorization.length; index++) {
    key = Math.imul(key ^ authorization.charCodeAt(index), FNV_PRIME);
  }
  // 30 bits: a small integer for V8, hashed in a few instructions.
  return key & 0x3fffffff;
}

function unexpired(verified: VerifiedToken): AuthUser {
  if (Date.now() > verified.refuseAfter) throw new AppError('token_expired');
  return verified.user;
}

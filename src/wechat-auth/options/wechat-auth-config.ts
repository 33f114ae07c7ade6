import { createHash, createHmac } from 'node:crypto';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { WechatApp } from '../wechat/apps/wechat-app';
import type { WechatAuthModuleOptions } from './wechat-auth-options';
import { optionsSchema } from './options.schema';
import { SignUpHook, signUpHook } from '../users/sign-up-policy';
import type { AvatarStorage } from '../avatars/avatar-storage';

export interface SigningKey {
  kid: string;
  secret: string;
}

/** A key that encrypts data at rest (AES-256-GCM); its id is stored with every value it sealed. */
export interface DataKey {
  kid: string;
  key: Buffer;
}

/** Options that fail validation; the message is one line naming every problem. */
export class WechatAuthOptionsError extends Error {
  override readonly name = 'WechatAuthOptionsError';
}

/** The module's validated settings, resolved once from its options; what its providers inject. */
export class WechatAuthConfig {
  auth!: {
    issuer: string;
    audience: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    /** How long after a rotation the token it spent still gets the pair it was rotated to (two tabs, a retry), rather than ending the session as a reuse. */
    refreshGraceSeconds: number;
    signingKey: SigningKey;
    /** Keys still accepted for verification (the signing key first), so keys can rotate. */
    verificationKeys: SigningKey[];
  };
  dataEncryption!: {
    /** The key that seals new values. */
    current: DataKey;
    /** Every key that may open a stored value (the current one first). */
    keys: DataKey[];
  };
  wechat!: {
    apps: WechatApp[];
    apiBaseUrl: string;
    openBaseUrl: string;
    timeoutMs: number;
    maxRetries: number;
    /** How long copies of one code still get the first arrival's result (then they are wechat_code_used). */
    codeExchangeWindowSeconds: number;
  };
  oauth!: {
    /** Where browsers reach this service; OAuth callback URLs are built from it, never from the request's host. */
    publicBaseUrl: string;
    /** Origins a returnTo URL may point at; relative paths are always allowed. */
    frontendOrigins: string[];
    /** HMAC key of OAuth states. */
    stateSecret: string;
  };
  /** Decides what becomes of a WeChat identity no user holds yet. */
  signUp!: SignUpHook;
  /** Where uploaded avatars go; none: the default PostgreSQL storage. */
  avatarStorage?: AvatarStorage;
  retention!: {
    maxSessionsPerUserPerApp: number;
    endedSessionsGraceDays: number;
    loginEventsDays: number;
    purgeIntervalSeconds: number;
    purgeBatchSize: number;
  };
  database!: {
    /** Hot statements run as named prepared statements. */
    preparedStatements: boolean;
  };
  throttling!: {
    /** Sign-in requests one client ip may make per minute, across all instances; 0 for no ceiling. */
    perIpPerMinute: number;
    /** Failed sign-ins one client ip may make per minute before its sign-ins are refused for the rest of the window. */
    failuresPerIpPerMinute: number;
    /** Attempts with one code, refresh token or ticket per minute. */
    perCredentialPerMinute: number;
    storage?: ThrottlerStorage;
  };
}

function keyIdFor(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url').slice(0, 8);
}

/** Validates the module's options; throws a WechatAuthOptionsError naming every problem. */
export function resolveWechatAuthConfig(options: WechatAuthModuleOptions): WechatAuthConfig {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`);
    throw new WechatAuthOptionsError(`Invalid wechat-auth options: ${problems.join('; ')}`);
  }
  const { apps, jwt, dataEncryption, wechat, throttling, retention, database, signUp, avatars, ...oauth } = parsed.data;
  const signingKey = { kid: jwt.keyId ?? keyIdFor(jwt.secret), secret: jwt.secret };
  const dataKey = { kid: dataEncryption.keyId ?? keyIdFor(dataEncryption.key), key: Buffer.from(dataEncryption.key, 'base64') };
  return Object.assign(new WechatAuthConfig(), {
    auth: {
      issuer: jwt.issuer,
      audience: jwt.audience,
      accessTtlSeconds: jwt.accessTtlSeconds,
      refreshTtlSeconds: jwt.refreshTtlSeconds,
      refreshGraceSeconds: jwt.refreshGraceSeconds,
      signingKey,
      verificationKeys: [signingKey, ...jwt.previousKeys],
    },
    dataEncryption: {
      current: dataKey,
      keys: [dataKey, ...dataEncryption.previousKeys.map(({ kid, key }) => ({ kid, key: Buffer.from(key, 'base64') }))],
    },
    wechat: { apps, ...wechat },
    oauth: {
      publicBaseUrl: oauth.publicBaseUrl.replace(/\/+$/, ''),
      frontendOrigins: oauth.frontendOrigins,
      // Derived with a label so the state key is never the token key itself; instances sharing the JWT secret agree on it.
      stateSecret: oauth.oauthStateSecret ?? createHmac('sha256', jwt.secret).update('oauth-state').digest('base64url'),
    },
    signUp: signUpHook(signUp),
    avatarStorage: avatars.storage as AvatarStorage | undefined,
    retention,
    database,
    throttling: { ...throttling, storage: throttling.storage as ThrottlerStorage | undefined },
  });
}

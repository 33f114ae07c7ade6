import type { ThrottlerStorage } from '@nestjs/throttler';
import type { AvatarStorage } from '../avatars/avatar-storage';
import type { SignUpPolicy } from '../users/sign-up-policy';
import type { WechatApp } from '../wechat/apps/wechat-app';


/**
 * What a host passes to `WechatAuthModule.forRoot()` or returns from the
 * factory of `forRootAsync()`. Validated at start-up: a bad value stops the
 * app with one line naming every problem.
 */
export interface WechatAuthModuleOptions {
  /** The WeChat apps users sign in with (Mini Program, Official Account, website). */
  apps: WechatApp[];
  jwt: {
    /** HMAC key of access tokens, at least 32 random characters; every instance shares it. */
    secret: string;
    /** `kid` of the signing key (default: derived from the secret). */
    keyId?: string;
    /** Old keys still accepted while the tokens they signed expire. */
    previousKeys?: Array<{ kid: string; secret: string }>;
    issuer?: string;
    audience?: string;
    /** Access token lifetime in seconds (default 900). */
    accessTtlSeconds?: number;
    /** Refresh token lifetime in seconds, sliding per rotation (default 30 days). */
    refreshTtlSeconds?: number;
    /**
     * Seconds after a refresh during which the refresh token it spent, presented
     * again, gets the same new pair instead of ending the session as a reuse: two
     * tabs refreshing at once, or a retry after a lost answer (default 10, at most
     * 60; 0: never).
     */
    refreshGraceSeconds?: number;
  };
  /** Seals session keys and app access tokens at rest (AES-256-GCM). */
  dataEncryption: {
    /** 32 random bytes, base64 (`openssl rand -base64 32`). */
    key: string;
    keyId?: string;
    /** Old keys (32 bytes, base64) still able to open what they sealed. */
    previousKeys?: Array<{ kid: string; key: string }>;
  };
  /** Where browsers reach this service, with any path prefix a proxy adds; OAuth callback URLs start with it. */
  publicBaseUrl: string;
  /** Origins a login's `returnTo` may point at; relative paths are always allowed. */
  frontendOrigins?: string[];
  /** HMAC key of OAuth states (default: derived from the JWT secret). */
  oauthStateSecret?: string;
  wechat?: {
    /** WeChat's server API (default https://api.weixin.qq.com); the sandbox's URL in local runs. */
    apiBaseUrl?: string;
    /** WeChat's browser authorize pages (default https://open.weixin.qq.com). */
    openBaseUrl?: string;
    timeoutMs?: number;
    /** Retries on WeChat busy (-1), 5xx and refused connections; never after a timeout. */
    maxRetries?: number;
    /** Copies of one code arriving within this many seconds share the first arrival's answer. */
    codeExchangeWindowSeconds?: number;
  };
  /**
   * Who becomes a user by signing in with WeChat (default `create`: everyone).
   * `existing-only`: only identities already bound to a user sign in; others
   * get `account_not_found`. `require-phone`: an unknown identity gets a
   * `signupTicket` and must show its phone in a Mini Program, with a fresh
   * wx.login code that WeChat answers with the same person (`POST
   * /auth/signup/phone`; across apps that takes a unionid, so the apps must be
   * bound to one Open Platform account); it then joins the user holding that
   * verified phone, or a new one. Or a
   * `SignUpHook` of the host that decides per identity.
   */
  signUp?: SignUpPolicy;
  avatars?: {
    /** Where uploaded avatars go (default: PostgreSQL, served at `GET /auth/avatars/:name`). */
    storage?: AvatarStorage;
  };
  /** How much history is kept. */
  retention?: {
    /** Live sessions a user keeps per app; opening one more ends the oldest (default 10). */
    maxSessionsPerUserPerApp?: number;
    /** Days ended or expired sessions are kept, so reuse of their refresh tokens is still recognised (default 7). */
    endedSessionsGraceDays?: number;
    /** Days login events are kept (default 180). */
    loginEventsDays?: number;
    /** How often the purge runs on this instance, in seconds; 0 never (default 3600). One instance at a time purges. */
    purgeIntervalSeconds?: number;
    /** Rows deleted per statement by the purge (default 250). */
    purgeBatchSize?: number;
  };
  database?: {
    /**
     * Run the statements of every login, refresh and throttled request as
     * named prepared statements, parsed and planned once per connection
     * (default true). Turn off behind a pooler that does not keep them
     * across transactions (PgBouncer before 1.21 in transaction mode).
     */
    preparedStatements?: boolean;
  };
  throttling?: {
    /** A ceiling on all sign-ins from one client address per minute (default 0: none). */
    perIpPerMinute?: number;
    /**
     * Failures one address (an IPv6 /64) may make per minute, in each of two budgets (default 30): codes WeChat
     * rejected (and used codes, forged states), after which its requests carrying a code are refused before WeChat
     * is asked; and unknown or reused refresh tokens and tickets, after which only its refresh tokens that do not
     * bear our signature are refused. Signed refresh tokens, tickets and sign-ins of others are never refused for them.
     */
    failuresPerIpPerMinute?: number;
    perCredentialPerMinute?: number;
    /** Where the counters live (default: a PostgreSQL table shared by all instances). */
    storage?: ThrottlerStorage;
  };
}

/** Settings fixed when the module is imported, for `forRoot` and `forRootAsync` alike. */
export interface WechatAuthModuleExtras {
  /** Register the access-token and roles guards for every route of the app (default true). */
  globalGuards?: boolean;
  /** The host's TypeORM connection name, when it is not the default one. */
  dataSourceName?: string;
}

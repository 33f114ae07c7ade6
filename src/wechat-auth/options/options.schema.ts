import { z } from 'zod';
import { SIGN_UP_MODES, SignUpHook } from '../users/sign-up-policy';
import { WECHAT_APP_TYPES } from '../wechat/apps/wechat-app';

const PLACEHOLDER_SECRETS = /^(change[-_ ]?me|changeme|secret|password|test|example|placeholder|your[-_].*|x+|0+)$/i;

/** A shared secret: long enough to resist guessing and not a placeholder copied from an example. */
export const secretSchema = z
  .string()
  .min(32, 'must be at least 32 characters')
  .refine((value) => !PLACEHOLDER_SECRETS.test(value), 'is a placeholder, set a real random secret');

export const keyIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, - or _');

/** 32 random bytes in base64: an AES-256 key. */
export const base64KeySchema = z
  .string()
  .refine((value) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32, 'must be 32 random bytes, base64-encoded');

export const originSchema = z.string().refine((entry) => {
  try {
    const url = new URL(entry);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === entry;
  } catch {
    return false;
  }
}, 'each entry is an origin such as https://shop.example.com (scheme, host and port only, no path or trailing slash)');

export const wechatAppSchema = z
  .object({
    key: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'key: lowercase letters, digits and dashes'),
    type: z.enum(WECHAT_APP_TYPES, { error: `type must be one of ${WECHAT_APP_TYPES.join(', ')}` }),
    appid: z.string().regex(/^wx[0-9a-zA-Z]{16}$/, 'appid must look like wx followed by 16 letters or digits'),
    secret: z.string({ error: 'every app needs its secret' }).min(16, 'secret is too short to be an AppSecret'),
    openPlatformBound: z.boolean().optional(),
  })
  .strict();

export const wechatAppsSchema = z
  .array(wechatAppSchema)
  .min(1, 'configure at least one app')
  .refine((apps) => new Set(apps.map((app) => app.key)).size === apps.length, 'app keys must be unique')
  .refine((apps) => new Set(apps.map((app) => app.appid)).size === apps.length, 'appids must be unique');

const httpUrl = z.url().refine((text) => /^https?:\/\//.test(text) && !/[?#]/.test(text), 'must be an http(s) URL without query or fragment');
const integer = (fallback: number, min: number, max: number) => z.number().int().min(min).max(max).default(fallback);

/** The options of `WechatAuthModule`, with their defaults. */
export const optionsSchema = z.object({
  apps: wechatAppsSchema,
  jwt: z
    .object({
      secret: secretSchema,
      keyId: keyIdSchema.optional(),
      previousKeys: z.array(z.object({ kid: keyIdSchema, secret: secretSchema }).strict()).default([]),
      issuer: z.string().min(1).default('wechat-auth'),
      audience: z.string().min(1).default('wechat-auth'),
      accessTtlSeconds: integer(900, 60, 86_400),
      refreshTtlSeconds: integer(2_592_000, 3_600, 31_536_000),
      // 0: a refresh token presented a second time is always a reuse.
      refreshGraceSeconds: integer(10, 0, 60),
    })
    .strict(),
  dataEncryption: z
    .object({
      key: base64KeySchema,
      keyId: keyIdSchema.optional(),
      previousKeys: z.array(z.object({ kid: keyIdSchema, key: base64KeySchema }).strict()).default([]),
    })
    .strict(),
  publicBaseUrl: httpUrl,
  frontendOrigins: z.array(originSchema).default([]),
  oauthStateSecret: secretSchema.optional(),
  wechat: z
    .object({
      apiBaseUrl: httpUrl.default('https://api.weixin.qq.com'),
      openBaseUrl: httpUrl.default('https://open.weixin.qq.com'),
      timeoutMs: integer(5000, 100, 60_000),
      maxRetries: integer(2, 0, 5),
      codeExchangeWindowSeconds: integer(30, 1, 300),
    })
    .strict()
    .prefault({}),
  signUp: z
    .union([
      z.enum(SIGN_UP_MODES),
      z.custom<SignUpHook>((value) => typeof (value as Partial<SignUpHook> | null)?.decide === 'function', 'must have a decide(candidate) method'),
    ], { error: `must be one of ${SIGN_UP_MODES.join(', ')}, or an object with a decide(candidate) method` })
    .default('create'),
  avatars: z
    .object({
      storage: z.custom<object>((value) => typeof (value as { put?: unknown } | null)?.put === 'function', 'must have a put(avatar) method').optional(),
    })
    .strict()
    .prefault({}),
  retention: z
    .object({
      maxSessionsPerUserPerApp: integer(10, 1, 1000),
      endedSessionsGraceDays: integer(7, 0, 3650),
      loginEventsDays: integer(180, 1, 36_500),
      // 0: this instance never purges (another one, or a job of the host, does).
      purgeIntervalSeconds: integer(3600, 0, 86_400),
      purgeBatchSize: integer(250, 1, 100_000),
    })
    .strict()
    .prefault({}),
  database: z
    .object({ preparedStatements: z.boolean().default(true) })
    .strict()
    .prefault({}),
  throttling: z
    .object({
      // 0: no ceiling on sign-ins per address; people behind one NAT or proxy all get in.
      perIpPerMinute: integer(0, 0, 1_000_000),
      failuresPerIpPerMinute: integer(30, 1, 1_000_000),
      perCredentialPerMinute: integer(30, 1, 1_000_000),
      // Checked for shape only: any ThrottlerStorage implementation will do.
      storage: z.custom<object>((value) => typeof value === 'object' && value !== null && 'increment' in value, 'must implement ThrottlerStorage').optional(),
    })
    .strict()
    .prefault({}),
});

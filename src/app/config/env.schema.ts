import { z } from 'zod';
// One description of an app for the module's options and for WECHAT_APPS.
import { wechatAppSchema } from '../../wechat-auth/options/options.schema';
import { SIGN_UP_MODES } from '../../wechat-auth/users/sign-up-policy';

const PLACEHOLDER_SECRETS = /^(change[-_ ]?me|changeme|secret|password|test|example|placeholder|your[-_].*|x+|0+)$/i;

const integer = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const wechatAppsSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of apps' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(wechatAppSchema)
      .min(1, 'configure at least one app')
      .refine((apps) => new Set(apps.map((app) => app.key)).size === apps.length, 'app keys must be unique')
      .refine((apps) => new Set(apps.map((app) => app.appid)).size === apps.length, 'appids must be unique'),
  );

const base64Key = z
  .string()
  .refine((value) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32, 'must be 32 random bytes, base64-encoded');

const dataKeyListSchema = z
  .string()
  .transform((text) => text.split(',').map((entry) => entry.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}:[A-Za-z0-9+/_-]{43}=?$/, 'each entry is kid:key, the key 32 bytes in base64')));

const keyListSchema = z
  .string()
  .transform((text) => text.split(',').map((entry) => entry.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[A-Za-z0-9_-]+:.{32,}$/, 'each entry is kid:secret, the secret at least 32 characters')));

const originListSchema = z
  .string()
  .transform((text) => text.split(',').map((entry) => entry.trim()).filter(Boolean))
  .pipe(
    z.array(
      z.string().refine((entry) => {
        try {
          const url = new URL(entry);
          return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === entry;
        } catch {
          return false;
        }
      }, 'each entry is an origin such as https://shop.example.com (scheme, host and port only, no path or trailing slash)'),
    ),
  );

/**
 * Express's and Fastify's `trustProxy`: false (the default: the socket's
 * address is the client's), a number of proxy hops, or the proxies'
 * addresses/subnets. The client's address is then the right-most one in
 * X-Forwarded-For that no trusted proxy wrote. `true` (trust every hop) is
 * refused: it takes the left-most value, which the client writes itself.
 */
const trustProxySchema = z
  .string()
  .trim()
  .refine(
    (text) => text !== 'true',
    "must name the proxies, not be true (true takes the client's address from an X-Forwarded-For any client can write): their addresses or subnets (10.0.0.0/8, loopback, uniquelocal) or a number of hops",
  )
  .transform((text): false | number | string => {
    if (text === '' || text === 'false') return false;
    return /^\d+$/.test(text) ? Number(text) : text;
  })
  .refine(
    (value) => typeof value !== 'string' || /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?))*$/.test(value),
    'must be false, a number of hops, or a comma-separated list of proxy addresses, subnets, loopback, linklocal or uniquelocal',
  );

/** Every environment variable the service reads, with its default. README's configuration table mirrors this. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: integer(3000, 0, 65535),
  HOST: z
    .string()
    .regex(/^[0-9A-Za-z.:-]{1,253}$/, 'must be an address or host name to listen on, such as 0.0.0.0')
    .optional(),
  API_DOCS: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  HTTP_PLATFORM: z.enum(['express', 'fastify']).default('express'),
  TRUST_PROXY: trustProxySchema.default(false),
  // How long a client may take, in milliseconds: for its headers, for its whole request (body included), in silence, and idle between requests.
  HTTP_HEADERS_TIMEOUT_MS: integer(10_000, 1_000, 600_000),
  HTTP_REQUEST_TIMEOUT_MS: integer(30_000, 1_000, 600_000),
  HTTP_IDLE_TIMEOUT_MS: integer(60_000, 1_000, 600_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: integer(5_000, 1_000, 600_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  DATABASE_PREPARED_STATEMENTS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  EMBEDDED_POSTGRES_DIR: z.string().default('.data/postgres'),
  EMBEDDED_POSTGRES_PORT: integer(5488, 1, 65535),
  JWT_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .refine((value) => !PLACEHOLDER_SECRETS.test(value), 'is a placeholder, set a real random secret')
    .optional(),
  JWT_KEY_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  JWT_PREVIOUS_KEYS: keyListSchema.optional(),
  JWT_ISSUER: z.string().min(1).default('wechat-auth'),
  JWT_AUDIENCE: z.string().min(1).default('wechat-auth'),
  ACCESS_TOKEN_TTL: integer(900, 60, 86_400),
  REFRESH_TOKEN_TTL: integer(2_592_000, 3_600, 31_536_000),
  REFRESH_TOKEN_GRACE_SECONDS: integer(10, 0, 60),
  DATA_ENCRYPTION_KEY: base64Key.optional(),
  DATA_ENCRYPTION_KEY_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  DATA_ENCRYPTION_PREVIOUS_KEYS: dataKeyListSchema.optional(),
  WECHAT_APPS: wechatAppsSchema.optional(),
  WECHAT_API_BASE_URL: z.url().optional(),
  WECHAT_OPEN_BASE_URL: z.url().optional(),
  WECHAT_TIMEOUT_MS: integer(5000, 100, 60_000),
  WECHAT_MAX_RETRIES: integer(2, 0, 5),
  SIGN_UP_POLICY: z.enum(SIGN_UP_MODES).default('create'),
  THROTTLE_PER_IP_PER_MINUTE: integer(0, 0, 1_000_000),
  THROTTLE_FAILURES_PER_IP_PER_MINUTE: integer(30, 1, 1_000_000),
  THROTTLE_PER_CREDENTIAL_PER_MINUTE: integer(30, 1, 1_000_000),
  PUBLIC_BASE_URL: z
    .url()
    .refine((text) => /^https?:\/\//.test(text) && !/[?#]/.test(text), 'must be an http(s) URL without query or fragment')
    .optional(),
  FRONTEND_ORIGINS: originListSchema.optional(),
  OAUTH_STATE_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .refine((value) => !PLACEHOLDER_SECRETS.test(value), 'is a placeholder, set a real random secret')
    .optional(),
  CODE_EXCHANGE_WINDOW_SECONDS: integer(30, 1, 300),
  MAX_SESSIONS_PER_USER_PER_APP: integer(10, 1, 1000),
  ENDED_SESSIONS_GRACE_DAYS: integer(7, 0, 3650),
  LOGIN_EVENTS_RETENTION_DAYS: integer(180, 1, 36_500),
  PURGE_INTERVAL_SECONDS: integer(3600, 0, 86_400),
  PURGE_BATCH_SIZE: integer(250, 1, 100_000),
});

export type Env = z.infer<typeof envSchema>;

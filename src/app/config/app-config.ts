import { createHash, createHmac, randomBytes } from 'node:crypto';
import { DEMO_APPS } from '../../sandbox/demo-apps';
import { isAppSecretShaped, weakKeyReason, weakSecretReason } from './secret-strength';
import { Env, envSchema } from './env.schema';
import { WechatApp } from '../../wechat-auth/wechat/apps/wechat-app';
import type { WechatAuthConfig } from '../../wechat-auth';
import { signUpHook } from '../../wechat-auth/users/sign-up-policy';

export interface SigningKey {
  kid: string;
  secret: string;
}

/** A key that encrypts data at rest (AES-256-GCM); its id is stored with every value it sealed. */
export interface DataKey {
  kid: string;
  key: Buffer;
}

// Outside production only: lets a local run keep what it encrypted across restarts without any setup.
const DEVELOPMENT_DATA_KEY: DataKey = { kid: 'dev', key: createHash('sha256').update('wechat-auth development data key').digest() };

/** The validated, typed settings of the whole service. Built once at start-up from the environment. */
export class AppConfig {
  env!: Env['NODE_ENV'];
  port!: number;
  /** Where to listen: loopback outside production unless HOST says otherwise, so the sandbox's sign-in as anyone stays on this machine. */
  host!: string;
  /** Whether /docs serves the OpenAPI document and its page. */
  apiDocs!: boolean;
  /** The HTTP platform under Nest: Express (the default) or Fastify. */
  httpPlatform!: Env['HTTP_PLATFORM'];
  /** Whose X-Forwarded-For to believe for the client's address (Express's and Fastify's `trustProxy`); false: nobody's. */
  trustProxy!: false | number | string;
  /** How long a client may take over each part of an exchange, in milliseconds; a client over a limit is cut off. */
  http!: {
    /** From a request's first byte to the end of its headers. */
    headersTimeoutMs: number;
    /** From a request's first byte to the end of its body. */
    requestTimeoutMs: number;
    /** Silence on a connection while a request is read, handled or answered. */
    idleTimeoutMs: number;
    /**
     * An open connection between two requests (Node's 5 s by default). Behind a load balancer that keeps idle
     * connections to the service longer, set it above the balancer's idle timeout; a graceful stop on Express waits
     * up to this long for connections kept alive.
     */
    keepAliveTimeoutMs: number;
  };
  logLevel!: Env['LOG_LEVEL'];
  database!: { url?: string; embeddedDir: string; embeddedPort: number; preparedStatements: boolean };
  auth!: {
    issuer: string;
    audience: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    refreshGraceSeconds: number;
    signingKey: SigningKey;
    /** Keys still accepted for verification (the signing key first), so keys can rotate. */
    verificationKeys: SigningKey[];
    /** True when no JWT_SECRET was given outside production and a random one was made for this run. */
    secretGenerated: boolean;
  };
  dataEncryption!: {
    /** The key that seals new values. */
    current: DataKey;
    /** Every key that may open a stored value (the current one first), so keys can rotate. */
    keys: DataKey[];
    /** True when no DATA_ENCRYPTION_KEY was given outside production and the development key is in use. */
    defaulted: boolean;
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
    /** Where browsers reach this service; OAuth callback URLs are built from it, never from the request. */
    publicBaseUrl: string;
    /** Origins a returnTo URL may point at; relative paths are always allowed. */
    frontendOrigins: string[];
    /** HMAC key of OAuth states. */
    stateSecret: string;
  };
  /** Who becomes a user by signing in with WeChat (SIGN_UP_POLICY): see WechatAuthModuleOptions.signUp. */
  signUp!: WechatAuthConfig['signUp'];
  /** How much history is kept: see WechatAuthModuleOptions.retention. */
  retention!: WechatAuthConfig['retention'];
  throttling!: {
    /** Sign-in requests (logins, refreshes, tickets) one client ip may make per minute, across all instances; 0 for no ceiling. */
    perIpPerMinute: number;
    /** Failed sign-ins one client ip may make per minute before its sign-ins are refused. */
    failuresPerIpPerMinute: number;
    /** Attempts with one code, refresh token or ticket per minute. */
    perCredentialPerMinute: number;
  };
  sandbox!: {
    /** The sandbox stands in for WeChat (no real app configured, never in production). */
    enabled: boolean;
    /** The sandbox is served by this app at /sandbox (rather than standalone elsewhere). */
    mounted: boolean;
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function keyIdFor(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url').slice(0, 8);
}

function parseKeyList(entries: string[] = []): SigningKey[] {
  return entries.map((entry) => {
    const separator = entry.indexOf(':');
    return { kid: entry.slice(0, separator), secret: entry.slice(separator + 1) };
  });
}

function parseDataKeys(entries: string[] = []): DataKey[] {
  return entries.map((entry) => {
    const separator = entry.indexOf(':');
    return { kid: entry.slice(0, separator), key: Buffer.from(entry.slice(separator + 1), 'base64') };
  });
}

/** Real WeChat apps are configured: production rules apply, whatever NODE_ENV says (a forgotten NODE_ENV must not weaken them). */
function usesRealApps(env: Env): boolean {
  const demoAppids = new Set(DEMO_APPS.map((app) => app.appid));
  return env.NODE_ENV !== 'test' && (env.WECHAT_APPS ?? []).some((app) => !demoAppids.has(app.appid));
}

/** Secrets and settings a production service must not start with: weak keys, placeholders, plain HTTP to WeChat. */
function unsafeSettings(env: Env): string[] {
  const problems: string[] = [];
  const weakSecret = (name: string, value: string | undefined) => {
    const reason = value === undefined ? undefined : weakSecretReason(value);
    if (reason) problems.push(`${name} ${reason}: use a random value (openssl rand -base64 48)`);
  };
  weakSecret('JWT_SECRET', env.JWT_SECRET);
  weakSecret('OAUTH_STATE_SECRET', env.OAUTH_STATE_SECRET);
  for (const key of env.JWT_PREVIOUS_KEYS ?? []) weakSecret(`JWT_PREVIOUS_KEYS (${key.split(':')[0]})`, key.slice(key.indexOf(':') + 1));
  const weakKey = env.DATA_ENCRYPTION_KEY ? weakKeyReason(Buffer.from(env.DATA_ENCRYPTION_KEY, 'base64')) : undefined;
  if (weakKey) problems.push(`DATA_ENCRYPTION_KEY ${weakKey}: use 32 random bytes (openssl rand -base64 32)`);
  for (const app of env.WECHAT_APPS ?? []) {
    if (!isAppSecretShaped(app.secret)) problems.push(`WECHAT_APPS: the secret of ${app.key} is not a WeChat AppSecret (32 random hexadecimal characters)`);
  }
  for (const name of ['WECHAT_API_BASE_URL', 'WECHAT_OPEN_BASE_URL'] as const) {
    if (env[name] && !env[name].startsWith('https://')) problems.push(`${name} must be https in production`);
  }
  if (!env.DATABASE_URL) problems.push('DATABASE_URL must be set in production (the embedded PostgreSQL is for development)');
  return problems;
}

function productionProblems(env: Env): string[] {
  const problems: string[] = [];
  if (!env.JWT_SECRET) problems.push('JWT_SECRET must be set in production');
  if (!env.WECHAT_APPS) problems.push('WECHAT_APPS must be set in production (the WeChat sandbox never runs there)');
  if (!env.DATA_ENCRYPTION_KEY) problems.push('DATA_ENCRYPTION_KEY must be set in production (it encrypts session keys and app access tokens at rest)');
  const demoAppids = new Set(DEMO_APPS.map((app) => app.appid));
  if (env.WECHAT_APPS?.some((app) => demoAppids.has(app.appid))) problems.push('WECHAT_APPS uses a sandbox demo app in production');
  // This service keeps uploaded avatars itself (the module's default storage): their URLs, like OAuth callbacks, start with it.
  if (!env.PUBLIC_BASE_URL) problems.push('PUBLIC_BASE_URL must be set in production (avatar URLs and OAuth callbacks are built from it)');
  if (env.WECHAT_APPS?.some((app) => app.openPlatformBound !== undefined)) {
    problems.push('WECHAT_APPS: openPlatformBound is a sandbox setting; WeChat itself says whether an app is bound');
  }
  return [...problems, ...unsafeSettings(env)];
}

/** Limits on clients that contradict each other or the time a request may take to handle. */
function timeoutProblems(env: Env): string[] {
  const problems: string[] = [];
  // Node refuses to start a server whose headers may take longer than the whole request.
  if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) problems.push('HTTP_HEADERS_TIMEOUT_MS must not be longer than HTTP_REQUEST_TIMEOUT_MS');
  // The connection is silent while a sign-in waits on WeChat, up to twice (an app token, then the call): the idle limit must not cut it off first.
  if (env.HTTP_IDLE_TIMEOUT_MS < 2 * env.WECHAT_TIMEOUT_MS) problems.push('HTTP_IDLE_TIMEOUT_MS must be at least twice WECHAT_TIMEOUT_MS');
  return problems;
}

/**
 * Validates the environment and builds the configuration. Throws a ConfigError
 * whose message is one line naming every problem, so start-up can print it and stop.
 */
export function loadAppConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  // An empty variable means unset: compose files and CI templates write VAR= for "no value".
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(source).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const env = parsed.data;
  const timeouts = timeoutProblems(env);
  if (timeouts.length > 0) throw new ConfigError(`Invalid configuration: ${timeouts.join('; ')}`);
  if (env.NODE_ENV === 'production' || usesRealApps(env)) {
    const problems = productionProblems(env);
    if (problems.length > 0) {
      const why = env.NODE_ENV === 'production' ? '' : ' (real WeChat apps are configured, so the production rules apply; NODE_ENV=production says so)';
      throw new ConfigError(`Invalid configuration${why}: ${problems.join('; ')}`);
    }
  }

  const secret = env.JWT_SECRET ?? randomBytes(32).toString('base64url');
  const signingKey = { kid: env.JWT_KEY_ID ?? keyIdFor(secret), secret };
  const dataKey = env.DATA_ENCRYPTION_KEY
    ? { kid: env.DATA_ENCRYPTION_KEY_ID ?? keyIdFor(env.DATA_ENCRYPTION_KEY), key: Buffer.from(env.DATA_ENCRYPTION_KEY, 'base64') }
    : DEVELOPMENT_DATA_KEY;
  const sandboxEnabled = !env.WECHAT_APPS;
  const sandboxMounted = sandboxEnabled && !env.WECHAT_API_BASE_URL;
  const localSandbox = `http://127.0.0.1:${env.PORT}/sandbox`;

  return Object.assign(new AppConfig(), {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST ?? (env.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    apiDocs: env.API_DOCS ?? env.NODE_ENV !== 'production',
    httpPlatform: env.HTTP_PLATFORM,
    trustProxy: env.TRUST_PROXY,
    http: {
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      idleTimeoutMs: env.HTTP_IDLE_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    logLevel: env.LOG_LEVEL,
    database: {
      url: env.DATABASE_URL,
      embeddedDir: env.EMBEDDED_POSTGRES_DIR,
      embeddedPort: env.EMBEDDED_POSTGRES_PORT,
      preparedStatements: env.DATABASE_PREPARED_STATEMENTS,
    },
    auth: {
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      accessTtlSeconds: env.ACCESS_TOKEN_TTL,
      refreshTtlSeconds: env.REFRESH_TOKEN_TTL,
      refreshGraceSeconds: env.REFRESH_TOKEN_GRACE_SECONDS,
      signingKey,
      verificationKeys: [signingKey, ...parseKeyList(env.JWT_PREVIOUS_KEYS)],
      secretGenerated: !env.JWT_SECRET,
    },
    dataEncryption: {
      current: dataKey,
      keys: [dataKey, ...parseDataKeys(env.DATA_ENCRYPTION_PREVIOUS_KEYS)],
      defaulted: !env.DATA_ENCRYPTION_KEY,
    },
    wechat: {
      apps: env.WECHAT_APPS ?? DEMO_APPS.map((app) => ({ ...app })),
      apiBaseUrl: env.WECHAT_API_BASE_URL ?? (sandboxMounted ? localSandbox : 'https://api.weixin.qq.com'),
      openBaseUrl: env.WECHAT_OPEN_BASE_URL ?? (sandboxMounted ? localSandbox : 'https://open.weixin.qq.com'),
      timeoutMs: env.WECHAT_TIMEOUT_MS,
      maxRetries: env.WECHAT_MAX_RETRIES,
      codeExchangeWindowSeconds: env.CODE_EXCHANGE_WINDOW_SECONDS,
    },
    oauth: {
      publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${env.PORT}`).replace(/\/+$/, ''),
      frontendOrigins: env.FRONTEND_ORIGINS ?? [],
      // Derived with a label so the state key is never the token key itself; instances sharing JWT_SECRET agree on it.
      stateSecret: env.OAUTH_STATE_SECRET ?? createHmac('sha256', secret).update('oauth-state').digest('base64url'),
    },
    signUp: signUpHook(env.SIGN_UP_POLICY),
    retention: {
      maxSessionsPerUserPerApp: env.MAX_SESSIONS_PER_USER_PER_APP,
      endedSessionsGraceDays: env.ENDED_SESSIONS_GRACE_DAYS,
      loginEventsDays: env.LOGIN_EVENTS_RETENTION_DAYS,
      purgeIntervalSeconds: env.PURGE_INTERVAL_SECONDS,
      purgeBatchSize: env.PURGE_BATCH_SIZE,
    },
    throttling: {
      perIpPerMinute: env.THROTTLE_PER_IP_PER_MINUTE,
      failuresPerIpPerMinute: env.THROTTLE_FAILURES_PER_IP_PER_MINUTE,
      perCredentialPerMinute: env.THROTTLE_PER_CREDENTIAL_PER_MINUTE,
    },
    sandbox: { enabled: sandboxEnabled, mounted: sandboxMounted },
  });
}

import type { WechatAuthModuleOptions } from '../../wechat-auth';
import { AppConfig } from './app-config';

/** The module's options, as this app sets them from its environment. */
export function wechatAuthOptions(config: AppConfig): WechatAuthModuleOptions {
  const [signingKey, ...previousSigningKeys] = config.auth.verificationKeys;
  const [dataKey, ...previousDataKeys] = config.dataEncryption.keys;
  return {
    apps: config.wechat.apps,
    jwt: {
      secret: signingKey.secret,
      keyId: signingKey.kid,
      previousKeys: previousSigningKeys,
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      accessTtlSeconds: config.auth.accessTtlSeconds,
      refreshTtlSeconds: config.auth.refreshTtlSeconds,
      refreshGraceSeconds: config.auth.refreshGraceSeconds,
    },
    dataEncryption: {
      key: dataKey.key.toString('base64'),
      keyId: dataKey.kid,
      previousKeys: previousDataKeys.map(({ kid, key }) => ({ kid, key: key.toString('base64') })),
    },
    publicBaseUrl: config.oauth.publicBaseUrl,
    frontendOrigins: config.oauth.frontendOrigins,
    oauthStateSecret: config.oauth.stateSecret,
    wechat: {
      apiBaseUrl: config.wechat.apiBaseUrl,
      openBaseUrl: config.wechat.openBaseUrl,
      timeoutMs: config.wechat.timeoutMs,
      maxRetries: config.wechat.maxRetries,
      codeExchangeWindowSeconds: config.wechat.codeExchangeWindowSeconds,
    },
    signUp: config.signUp,
    retention: { ...config.retention },
    database: { preparedStatements: config.database.preparedStatements },
    throttling: { ...config.throttling },
  };
}

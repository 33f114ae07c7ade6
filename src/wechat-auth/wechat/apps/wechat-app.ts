export const WECHAT_APP_TYPES = ['miniprogram', 'official_account', 'website', 'mobile_app'] as const;
export type WechatAppType = (typeof WECHAT_APP_TYPES)[number];

/** The apps a browser signs in with through WeChat's web authorization (Official Account H5, website QR). */
export const OAUTH_APP_TYPES: readonly WechatAppType[] = ['official_account', 'website'];

/** How long WeChat accepts a login code of this type of app: Open Platform apps' codes live 10 minutes, the others' 5. */
export function codeLifetimeSeconds(type: WechatAppType): number {
  return type === 'website' || type === 'mobile_app' ? 600 : 300;
}

/** One WeChat app this service logs users in with. */
export interface WechatApp {
  /** Our own name for the app, used in URLs and request bodies (`app`). */
  key: string;
  type: WechatAppType;
  appid: string;
  secret: string;
  /**
   * Sandbox only: whether WeChat answers a unionid for this app (the app is
   * bound to an Open Platform account). Real apps learn this from WeChat.
   */
  openPlatformBound?: boolean;
}

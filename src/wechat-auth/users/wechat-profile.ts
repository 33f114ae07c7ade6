import type { WechatApp } from '../wechat/apps/wechat-app';
import type { ProfileUpdate } from './identity.repository';

/** Who WeChat's server said the user is: the only source of identity we trust. */
export interface VerifiedWechatIdentity {
  app: WechatApp;
  openid: string;
  unionid?: string | null;
  profile?: ProfileUpdate;
  /** Mini Program only: the key of the user's encrypted data, replaced at every login and stored encrypted. */
  sessionKey?: string;
  /** A phone sign-up: the phone number WeChat verified for this person (getPhoneNumber). */
  verifiedPhone?: string;
}

import { Injectable } from '@nestjs/common';
import { AppError } from '../../core/errors/app-error';
import { cleanProfile } from '../../users/profile-rules';
import { VerifiedWechatIdentity } from '../../users/wechat-profile';
import { WechatApiClient } from '../api/wechat-api.client';
import { WechatApp } from '../apps/wechat-app';

// Scopes whose user access_token may read the profile.
const PROFILE_SCOPES = ['snsapi_userinfo', 'snsapi_login'];

/**
 * The identity behind a code of WeChat's OAuth (`sns/oauth2/access_token`,
 * then `sns/userinfo` when the scope allows): what an Official Account's or
 * a website's callback receives, and what a mobile app's SendAuth gives it.
 */
@Injectable()
export class OAuthIdentityService {
  constructor(private readonly wechat: WechatApiClient) {}

  async identify(app: WechatApp, code: string): Promise<VerifiedWechatIdentity> {
    const token = await this.wechat.oauthAccessToken(app, code);
    // A snapshot-page user never really authorized: no account is made for them.
    if (token.snapshotUser) throw new AppError('snapshot_user');
    const scopes = token.scope.split(',');
    const info = PROFILE_SCOPES.some((scope) => scopes.includes(scope)) ? await this.wechat.oauthUserinfo(app, token) : null;
    return {
      app,
      openid: token.openid,
      unionid: token.unionid ?? info?.unionid ?? null,
      // Cleaned before it is kept anywhere, even for a moment (PostgreSQL refuses a NUL in jsonb).
      profile: info ? cleanProfile({ nickname: info.nickname, avatarUrl: info.avatarUrl }) : undefined,
    };
  }
}

import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { AppError } from '../../core/errors/app-error';
import { SessionKeyRepository } from '../../users/session-key.repository';
import { AppAccessTokens } from '../access-token/app-access-tokens.service';
import { WechatApiClient } from '../api/wechat-api.client';
import { WechatAppRegistry } from '../apps/wechat-app-registry';

/** WeChat's user-state signature: what its server APIs (virtual payment, among others) ask next to the openid. */
export interface UserStateSignature {
  openid: string;
  /** hmac_sha256 of the data, keyed with the user's current session_key, in hex. */
  signature: string;
  sigMethod: 'hmac_sha256';
}

// WeChat keys the HMAC with the session_key as it sent it (base64 text), not its decoded bytes.
function userStateSignature(sessionKey: string, data: string | Buffer): string {
  return createHmac('sha256', sessionKey).update(data).digest('hex');
}

/**
 * What a host module may do with a user's Mini Program session_key without
 * ever holding it: sign data with it, and ask WeChat whether it is still the
 * user's current one. The key itself never leaves this module.
 */
@Injectable()
export class SessionKeySignatures {
  constructor(
    private readonly apps: WechatAppRegistry,
    private readonly sessionKeys: SessionKeyRepository,
    private readonly appTokens: AppAccessTokens,
    private readonly wechat: WechatApiClient,
  ) {}

  /**
   * Signs `data` (a POST body; '' for a GET) with the user's session_key in
   * the Mini Program `appKey` (optional when only one is configured).
   * `session_key_expired` when none is held: the user must wx.login again.
   */
  async sign(userId: string, data: string | Buffer, appKey?: string): Promise<UserStateSignature> {
    const app = this.apps.resolve(appKey, ['miniprogram']);
    const held = await this.sessionKeys.find(userId, app.appid);
    if (!held) throw new AppError('session_key_expired');
    return { openid: held.openid, signature: userStateSignature(held.sessionKey, data), sigMethod: 'hmac_sha256' };
  }

  /** Whether WeChat still has the session_key we hold for the user (`wxa/checksession`); false when none is held. */
  async isCurrent(userId: string, appKey?: string): Promise<boolean> {
    const app = this.apps.resolve(appKey, ['miniprogram']);
    const held = await this.sessionKeys.find(userId, app.appid);
    if (!held) return false;
    const signature = userStateSignature(held.sessionKey, '');
    return this.appTokens.withToken(app, (token) => this.wechat.checkSession(app, token, held.openid, signature));
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppError } from '../../core/errors/app-error';
import { invalidRequest } from '../../core/http/validation';
import { WechatApp } from '../apps/wechat-app';
import { SessionKeyRepository } from '../../users/session-key.repository';
import { UserProfileRepository } from '../../users/user-profile.repository';
import { toUserView, UserView } from '../../users/user.view';
import { UsersRepository } from '../../users/users.repository';
import { AppAccessTokens } from '../access-token/app-access-tokens.service';
import { PhoneInfo, WechatApiClient } from '../api/wechat-api.client';
import { WechatApiError } from '../api/wechat-errors';
import { WechatAppRegistry } from '../apps/wechat-app-registry';
import { decryptUserData, signatureMatches } from './encrypted-data';
import { DecryptedProfile, EncryptedProfileDto, PhoneNumberDto, PhoneNumberView } from './miniprogram-data.dto';

const PHONE_CODE_REFUSED =
  'WeChat rejected the phone code: it is wrong, expired, for another app, or a wx.login code sent by mistake. Send the code the getPhoneNumber button gives.';

function accountGone(): AppError {
  return new AppError('session_revoked', 'This account no longer exists. Sign in again.');
}

/** What a signed-in Mini Program user shares through WeChat: the phone number and the (encrypted) profile. */
@Injectable()
export class MiniProgramDataService {
  private readonly logger = new Logger(MiniProgramDataService.name);

  constructor(
    private readonly apps: WechatAppRegistry,
    private readonly wechat: WechatApiClient,
    private readonly appTokens: AppAccessTokens,
    private readonly sessionKeys: SessionKeyRepository,
    private readonly profiles: UserProfileRepository,
    private readonly users: UsersRepository,
  ) {}

  async bindPhone(userId: string, body: PhoneNumberDto): Promise<PhoneNumberView> {
    const phone = await this.verifiedPhone(this.apps.resolve(body.app, ['miniprogram']), body.code);
    if (!(await this.profiles.setPhone(userId, phone.phoneNumber))) throw accountGone();
    return phone;
  }

  /** The phone number WeChat vouches for behind a getPhoneNumber code of that Mini Program. */
  async verifiedPhone(app: WechatApp, code: string): Promise<PhoneNumberView> {
    const info = await this.appTokens.withToken(app, (token) => this.wechat.getPhoneNumber(app, token, code)).catch((error: unknown) => {
      if (error instanceof WechatApiError && error.errcode === 40029) throw new AppError('wechat_code_invalid', PHONE_CODE_REFUSED);
      throw error;
    });
    return this.checkPhone(app, info);
  }

  async updateProfile(userId: string, body: EncryptedProfileDto): Promise<UserView> {
    const app = this.apps.resolve(body.app, ['miniprogram']);
    if ((body.rawData === undefined) !== (body.signature === undefined)) {
      throw new AppError('invalid_request', 'Send rawData and signature together, or neither.');
    }
    const held = await this.sessionKeys.find(userId, app.appid);
    if (!held) throw new AppError('session_key_expired');
    const { sessionKey } = held;
    const data = decryptUserData(sessionKey, body.encryptedData, body.iv);
    if (body.rawData !== undefined && !signatureMatches(body.rawData, sessionKey, body.signature!)) {
      throw new AppError('invalid_request', 'signature does not match rawData.');
    }
    const profile = plainToInstance(DecryptedProfile, data);
    const problems = validateSync(profile, { whitelist: true });
    if (problems.length > 0) throw invalidRequest(problems);
    if (profile.watermark.appid !== app.appid) throw new AppError('invalid_request', 'The encrypted data was sealed for another app.');
    if (profile.openId !== undefined && profile.openId !== held.openid) throw new AppError('invalid_request', 'The encrypted data is about another WeChat user.');

    if (!(await this.profiles.updateProfile(userId, { nickname: profile.nickName, avatarUrl: profile.avatarUrl }))) throw accountGone();
    const user = await this.users.findWithIdentities(userId);
    if (!user) throw accountGone();
    return toUserView(user);
  }

  /** WeChat's answer, checked: it is for this app and looks like a phone number. */
  private checkPhone(app: WechatApp, info: PhoneInfo): PhoneNumberView {
    const { phoneNumber, purePhoneNumber, countryCode, watermark } = info;
    const watermarkAppid = (watermark as { appid?: unknown } | undefined)?.appid;
    const valid =
      typeof phoneNumber === 'string' &&
      /^\+?[0-9]{5,20}$/.test(phoneNumber) &&
      typeof purePhoneNumber === 'string' &&
      /^[0-9]{5,15}$/.test(purePhoneNumber) &&
      (typeof countryCode === 'string' || typeof countryCode === 'number') &&
      /^[0-9]{1,4}$/.test(String(countryCode)) &&
      watermarkAppid === app.appid;
    if (!valid) {
      this.logger.warn(`WeChat /wxa/business/getuserphonenumber for ${app.appid} answered a phone_info we cannot accept`);
      throw new AppError('wechat_unavailable');
    }
    return { phoneNumber, purePhoneNumber, countryCode: String(countryCode) };
  }
}

import { Injectable } from '@nestjs/common';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { OneTimeCodes } from './one-time-codes';
import { CODE_LIFETIME_MS, SandboxWorld } from './sandbox-world';

export interface SealedUserData {
  encryptedData: string;
  iv: string;
  rawData: string;
  signature: string;
}

/** A persona's phone number unless a test chooses one: stable, and looks like a mainland mobile number. */
/** What new-style Mini Programs get from wx.getUserProfile since April 2021 instead of a name and face. */
const PLACEHOLDER_PROFILE = {
  nickName: '微信用户',
  avatarUrl: 'https://thirdwx.qlogo.cn/mmopen/vi_32/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg/132',
};

function defaultPhone(user: string): string {
  const digits = BigInt(`0x${createHash('sha256').update(`phone:${user}`).digest('hex').slice(0, 15)}`) % 100_000_000n;
  return `138${digits.toString().padStart(8, '0')}`;
}

/**
 * What the Mini Program's buttons give the frontend: phone codes (a namespace
 * of their own, so a wx.login code sent here is unknown) and user data sealed
 * with the persona's current session_key.
 */
@Injectable()
export class SandboxPhones {
  private readonly codes: OneTimeCodes<{ phone: string }>;

  constructor(private readonly world: SandboxWorld) {
    this.codes = new OneTimeCodes(() => world.now(), CODE_LIFETIME_MS);
  }

  issueCode(appid: string, user: string, phone = defaultPhone(user)): string {
    const code = randomBytes(24).toString('hex');
    this.codes.issue(code, appid, { phone });
    return code;
  }

  /** The phone behind a code of `appid`, or WeChat's errcode for a code that is unknown, foreign, expired (40029) or used (40163). */
  spendCode(appid: string, code: string): { phone: string } | { errcode: number } {
    const spent = this.codes.spend(appid, code);
    return 'errcode' in spent ? spent : { phone: spent.phone };
  }

  /**
   * `data` as wx.getUserInfo would hand it over: AES-128-CBC under the
   * persona's current session_key, with WeChat's watermark unless `data`
   * brings its own, and rawData signed as sha1(rawData + session_key).
   */
  seal(appid: string, user: string, data: Record<string, unknown>): SealedUserData | undefined {
    const sessionKey = this.world.sessionKey(appid, user);
    if (!sessionKey) return undefined;
    const { watermark, ...asked } = data;
    const app = this.world.app(appid)!;
    const visible = this.world.isNewStyleProfile(app) ? { ...asked, ...PLACEHOLDER_PROFILE } : asked;
    // As WeChat's user info: the user's own openId (and unionId when the app is bound) sealed in, never in rawData.
    const unionId = this.world.unionid(app, user);
    const sealed = { openId: this.world.openid(appid, user), ...(unionId ? { unionId } : {}), ...visible };
    const plaintext = JSON.stringify({ ...sealed, watermark: watermark ?? { appid, timestamp: Math.floor(this.world.now() / 1000) } });
    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv);
    const encryptedData = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
    const rawData = JSON.stringify(visible);
    const signature = createHash('sha1').update(rawData + sessionKey).digest('hex');
    return { encryptedData, iv: iv.toString('base64'), rawData, signature };
  }
}

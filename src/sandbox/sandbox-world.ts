import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { AppConfig } from '../app/config/app-config';
import { WechatApp } from '../wechat-auth/wechat/apps/wechat-app';
import { OneTimeCodes } from './one-time-codes';

/** Codes WeChat issues live 5 minutes and work once. */
export const CODE_LIFETIME_MS = 5 * 60 * 1000;

export type WechatAnswer = Record<string, unknown>;

/** What a wx.login code stands for. */
export interface LoginCode {
  user: string;
  sessionKey: string;
}

const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40029: 'invalid code',
  40030: 'invalid refresh_token',
  40125: 'invalid appsecret',
  40163: 'code been used',
  40226: 'high risk user, login blocked',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41008: 'missing code',
  42001: 'access_token expired',
  42003: 'code expired',
  45009: 'reach max api daily quota limit',
  47001: 'data format error',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  48001: 'api unauthorized',
  87009: 'invalid signature',
};

/**
 * A POST body as WeChat's servers read it: JSON whatever the content type
 * says (text/plain, or none); undefined when it is not a JSON object, which
 * WeChat answers with errcode 47001 (HTTP 200).
 */
export function readWechatBody(body: unknown): Record<string, unknown> | undefined {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (parsed === undefined) return {};
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

export const DATA_FORMAT_ERROR = 47001;

/** WeChat's error answer: HTTP 200 with errcode and errmsg, as the real servers send it. */
export function wechatErrorAnswer(errcode: number): WechatAnswer {
  return { errcode, errmsg: `${ERRMSG[errcode] ?? 'error'}, rid: ${requestId()}` };
}

/** WeChat's request id: the Unix time in seconds and two random groups, each 8 hex digits. */
function requestId(): string {
  const seconds = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return [seconds, randomBytes(4).toString('hex'), randomBytes(4).toString('hex')].join('-');
}

export function stableId(prefix: string, seed: string): string {
  return prefix + createHash('sha256').update(seed).digest('base64url').slice(0, 27);
}

/**
 * The pretend WeChat: its apps, the people ("personas") using them, the codes
 * it has issued, and its own clock, which tests may move forward.
 */
@Injectable()
export class SandboxWorld {
  readonly apps: readonly WechatApp[];
  private clockOffsetMs = 0;
  private readonly codes = new OneTimeCodes<LoginCode>(() => this.now(), CODE_LIFETIME_MS);
  private readonly sessionKeys = new Map<string, string>();
  private readonly unionidWithheld = new Set<string>();
  /** Apps bound to or unbound from the Open Platform account since start (by appid). */
  private readonly bindings = new Map<string, boolean>();
  private readonly newStyleProfiles = new Set<string>();

  constructor(config: AppConfig) {
    this.apps = config.wechat.apps;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  app(appid: string): WechatApp | undefined {
    return this.apps.find((app) => app.appid === appid);
  }

  /** openid is per app: the same person has a different one in every app. */
  openid(appid: string, user: string): string {
    return stableId('o', `${appid}:${user}`);
  }

  isOpenPlatformBound(app: WechatApp): boolean {
    return this.bindings.get(app.appid) ?? Boolean(app.openPlatformBound);
  }

  /** What an app's owner does in the Open Platform console: from now on its logins carry a unionid, or none. */
  setOpenPlatformBound(app: WechatApp, bound: boolean): void {
    this.bindings.set(app.appid, bound);
  }

  isNewStyleProfile(app: WechatApp): boolean {
    return this.newStyleProfiles.has(app.appid);
  }

  /** A Mini Program version released after April 2021: wx.getUserProfile then yields only WeChat's placeholders. */
  setNewStyleProfile(app: WechatApp, newStyle: boolean): void {
    if (newStyle) this.newStyleProfiles.add(app.appid);
    else this.newStyleProfiles.delete(app.appid);
  }

  /** unionid is per person, given only by apps bound to the Open Platform account. */
  unionid(app: WechatApp, user: string): string | undefined {
    return this.isOpenPlatformBound(app) && !this.unionidWithheld.has(user) ? stableId('u', `union:${user}`) : undefined;
  }

  /** WeChat may leave out a bound app's unionid for a while, and send it on a later login. */
  withholdUnionid(user: string, withheld: boolean): void {
    if (withheld) this.unionidWithheld.add(user);
    else this.unionidWithheld.delete(user);
  }

  /** What wx.login() does: a fresh one-time code, and a fresh session_key that replaces the persona's old one. */
  issueLoginCode(app: WechatApp, user: string): string {
    const code = randomBytes(24).toString('base64url');
    const sessionKey = randomBytes(16).toString('base64');
    this.sessionKeys.set(`${app.appid}:${user}`, sessionKey);
    this.codes.issue(code, app.appid, { user, sessionKey });
    return code;
  }

  /** The session_key the persona's last wx.login gave it in that app: what its encrypted data is sealed with. */
  sessionKey(appid: string, user: string): string | undefined {
    return this.sessionKeys.get(`${appid}:${user}`);
  }

  /** The current session_key of whoever has `openid` in that app (wxa/checksession knows users by openid). */
  sessionKeyOf(appid: string, openid: string): string | undefined {
    for (const [key, sessionKey] of this.sessionKeys) {
      const user = key.slice(appid.length + 1);
      if (key.startsWith(`${appid}:`) && this.openid(appid, user) === openid) return sessionKey;
    }
    return undefined;
  }

  /** Spends a code of `appid`: what it stands for, or WeChat's errcode for one that is unknown, foreign, expired or used. */
  spendCode(appid: string, code: string): LoginCode | { errcode: number } {
    return this.codes.spend(appid, code);
  }

  /** The errcode WeChat gives for these credentials, or undefined when they are right. */
  credentialsError(appid: string | undefined, secret: string | undefined): number | undefined {
    if (!appid) return 41002;
    if (!secret) return 41004;
    const app = this.app(appid);
    if (!app) return 40013;
    return app.secret === secret ? undefined : 40125;
  }
}

import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, Dispatcher, request } from 'undici';
import { WechatAuthConfig } from '../../options/wechat-auth-config';
import { WechatApp } from '../apps/wechat-app';
import { AppError } from '../../core/errors/app-error';
import { WECHAT_BUSY, wechatError } from './wechat-errors';

export interface CodeSession {
  openid: string;
  sessionKey: string;
  unionid?: string;
}

/** What WeChat's web authorization says about a code (the user access_token is NOT the app's access_token). */
export interface OAuthToken {
  accessToken: string;
  openid: string;
  scope: string;
  unionid?: string;
  /** A "snapshot page" virtual user who never really authorized. */
  snapshotUser: boolean;
}

export interface OAuthUserinfo {
  nickname: string | null;
  avatarUrl: string | null;
  unionid?: string;
}

function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

export interface AppToken {
  accessToken: string;
  expiresInSeconds: number;
}

/** WeChat's phone_info, as it answered it: callers check it before trusting it. */
export type PhoneInfo = Record<string, unknown>;

// WeChat says to reserve 512 characters for a token: anything longer is not a token.
const MAX_APP_TOKEN_LENGTH = 512;
// wxa/checksession: the session_key we signed with is not the user's current one.
const INVALID_SIGNATURE = 87009;

interface WechatCall {
  path: string;
  query: Record<string, string>;
  /**
   * What makes an answer: the presence of a field (WeChat often omits errcode
   * on success), or one of some errcodes (for checks whose "no" is an answer).
   */
  expect: string | { errcodes: readonly number[] };
  method?: 'GET' | 'POST';
  body?: unknown;
}

type Answer = Record<string, unknown>;

/** A failure worth another try: WeChat busy, a 5xx, or a connection that never carried the request. */
class RetryableFailure extends Error {}

const RETRY_BASE_DELAY_MS = 100;
// Connection errors where the request cannot have reached WeChat, so a retry cannot spend a code twice.
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

function errorCode(error: unknown): string | undefined {
  const failure = error as { code?: string; cause?: { code?: string } };
  return failure.code ?? failure.cause?.code;
}

/**
 * The only code that talks to WeChat's servers. It never puts a secret, a
 * code or a session_key in a log line or an error: errors carry the path and
 * WeChat's errcode only.
 */
@Injectable()
export class WechatApiClient implements OnModuleDestroy {
  private readonly logger = new Logger(WechatApiClient.name);
  private readonly baseUrl: string;
  private readonly maxRetries: number;
  /**
   * undici's request API over kept-alive connections, with its own timeouts:
   * fetch's WHATWG streams and a per-call AbortSignal timer cost several times
   * the CPU of the call itself, and every login makes one.
   */
  private readonly connections: Dispatcher;

  constructor(config: WechatAuthConfig) {
    this.baseUrl = config.wechat.apiBaseUrl.replace(/\/+$/, '');
    this.maxRetries = config.wechat.maxRetries;
    const timeoutMs = config.wechat.timeoutMs;
    this.connections = new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  }

  async onModuleDestroy(): Promise<void> {
    await this.connections.close();
  }

  /** Mini Program login: `wx.login()`'s code for the user's openid, session_key and maybe unionid. */
  async code2Session(app: WechatApp, code: string): Promise<CodeSession> {
    const answer = await this.call(app, {
      path: '/sns/jscode2session',
      query: { appid: app.appid, secret: app.secret, js_code: code, grant_type: 'authorization_code' },
      expect: 'openid',
    });
    const { openid, session_key: sessionKey, unionid } = answer;
    if (typeof openid !== 'string' || typeof sessionKey !== 'string') throw this.garbage(app, '/sns/jscode2session');
    return { openid, sessionKey, unionid: typeof unionid === 'string' && unionid ? unionid : undefined };
  }

  /** Official Account / website login: the code WeChat sent to our callback for the user's openid and token. */
  async oauthAccessToken(app: WechatApp, code: string): Promise<OAuthToken> {
    const path = '/sns/oauth2/access_token';
    const answer = await this.call(app, { path, query: { appid: app.appid, secret: app.secret, code, grant_type: 'authorization_code' }, expect: 'access_token' });
    const { access_token: accessToken, openid, scope } = answer;
    if (typeof accessToken !== 'string' || typeof openid !== 'string' || !openid) throw this.garbage(app, path);
    return {
      accessToken,
      openid,
      scope: typeof scope === 'string' ? scope : '',
      unionid: optionalText(answer.unionid),
      snapshotUser: Number(answer.is_snapshotuser) === 1,
    };
  }

  /** The profile a user consented to share (snsapi_userinfo, snsapi_login). */
  async oauthUserinfo(app: WechatApp, token: OAuthToken): Promise<OAuthUserinfo> {
    const answer = await this.call(app, { path: '/sns/userinfo', query: { access_token: token.accessToken, openid: token.openid, lang: 'zh_CN' }, expect: 'openid' });
    if (answer.openid !== token.openid) throw this.garbage(app, '/sns/userinfo', 'another openid');
    return { nickname: optionalText(answer.nickname) ?? null, avatarUrl: optionalText(answer.headimgurl) ?? null, unionid: optionalText(answer.unionid) };
  }

  /** Whether WeChat's API host answers HTTP at all (any status counts): for /health. */
  async isReachable(timeoutMs = 2000): Promise<boolean> {
    return request(`${this.baseUrl}/`, { method: 'HEAD', dispatcher: this.connections, headersTimeout: timeoutMs }).then(
      async (response) => {
        await response.body.dump();
        return true;
      },
      () => false,
    );
  }

  /**
   * The app's access_token from `cgi-bin/stable_token`. Normal mode hands every
   * caller the same token while it lives, so instances never invalidate each
   * other; `forceRefresh` kills the current token for everyone (WeChat allows
   * it 20 times a day) and is only for a token that leaked.
   */
  async stableToken(app: WechatApp, options: { forceRefresh?: boolean } = {}): Promise<AppToken> {
    const answer = await this.call(app, {
      path: '/cgi-bin/stable_token',
      query: {},
      method: 'POST',
      body: { grant_type: 'client_credential', appid: app.appid, secret: app.secret, force_refresh: options.forceRefresh === true },
      expect: 'access_token',
    });
    const { access_token: accessToken, expires_in: expiresIn } = answer;
    if (typeof accessToken !== 'string' || accessToken.length > MAX_APP_TOKEN_LENGTH || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
      throw this.garbage(app, '/cgi-bin/stable_token');
    }
    return { accessToken, expiresInSeconds: expiresIn };
  }

  /** The phone number behind a getPhoneNumber button's code. Errors keep WeChat's errcode (40001/42001: the token). */
  async getPhoneNumber(app: WechatApp, accessToken: string, code: string): Promise<PhoneInfo> {
    const answer = await this.call(app, {
      path: '/wxa/business/getuserphonenumber',
      query: { access_token: accessToken },
      method: 'POST',
      body: { code },
      expect: 'phone_info',
    });
    if (typeof answer.phone_info !== 'object' || answer.phone_info === null) throw this.garbage(app, '/wxa/business/getuserphonenumber');
    return answer.phone_info as PhoneInfo;
  }

  /**
   * Whether WeChat still holds this session_key for the user (`wxa/checksession`):
   * false once a later wx.login replaced it or it expired. Only its signature travels.
   */
  async checkSession(app: WechatApp, accessToken: string, openid: string, signature: string): Promise<boolean> {
    const answer = await this.call(app, {
      path: '/wxa/checksession',
      query: { access_token: accessToken, openid, signature, sig_method: 'hmac_sha256' },
      expect: { errcodes: [0, INVALID_SIGNATURE] },
    });
    return Number(answer.errcode) === 0;
  }

  private async call(app: WechatApp, call: WechatCall): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(app, call);
      } catch (error) {
        if (!(error instanceof RetryableFailure)) throw error;
        if (attempt >= this.maxRetries) {
          this.logger.warn(`WeChat ${call.path} for ${app.appid} failed after ${attempt + 1} attempts: ${error.message}`);
          throw new AppError('wechat_unavailable');
        }
        await sleep(RETRY_BASE_DELAY_MS * 2 ** attempt * (0.5 + Math.random()));
      }
    }
  }

  private async attempt(app: WechatApp, call: WechatCall): Promise<Answer> {
    const url = `${this.baseUrl}${call.path}?${new URLSearchParams(call.query).toString()}`;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: call.method ?? 'GET',
        headers: call.body === undefined ? undefined : { 'content-type': 'application/json' },
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        dispatcher: this.connections,
      });
    } catch (error) {
      const code = errorCode(error);
      if (code && CONNECTION_ERRORS.has(code)) throw new RetryableFailure(`connection failed (${code})`);
      // A timeout is not retried: WeChat may have spent the code already, and a retry would only earn 40163.
      this.logger.warn(`WeChat ${call.path} for ${app.appid} did not answer in time (${code ?? (error as Error).name})`);
      throw new AppError('wechat_unavailable');
    }
    // WeChat answered: a body cut off now is garbage, never a connection error to retry (the code may be spent).
    const text = await response.body.text().catch(() => '');
    const status = response.statusCode;
    if (status >= 500) throw new RetryableFailure(`HTTP ${status}`);
    if (status < 200 || status >= 300) throw this.garbage(app, call.path, `HTTP ${status}`);
    return this.interpret(app, call, text);
  }

  private interpret(app: WechatApp, call: WechatCall, text: string): Answer {
    let answer: unknown;
    try {
      // WeChat sometimes labels JSON as text/plain: parse whatever the content type says.
      answer = JSON.parse(text);
    } catch {
      throw this.garbage(app, call.path, 'not JSON');
    }
    if (typeof answer !== 'object' || answer === null) throw this.garbage(app, call.path, 'not an object');
    const fields = answer as Answer;
    const errcode = typeof fields.errcode === 'number' ? fields.errcode : Number(fields.errcode);
    if (typeof call.expect === 'string' ? fields[call.expect] !== undefined && fields[call.expect] !== null && fields[call.expect] !== '' : call.expect.errcodes.includes(errcode)) {
      return fields;
    }
    if (!Number.isInteger(errcode) || errcode === 0) throw this.garbage(app, call.path, 'no answer');
    if (errcode === WECHAT_BUSY) throw new RetryableFailure('errcode -1 (busy)');
    const error = wechatError(errcode);
    if (error.code === 'wechat_misconfigured') {
      this.logger.error(`WeChat refused our credentials for app ${app.key} (${app.appid}) on ${call.path}: errcode ${errcode}. Check its appid, its AppSecret and the IP whitelist.`);
    } else {
      this.logger.log(`WeChat ${call.path} for ${app.appid} answered errcode ${errcode}`);
    }
    throw error;
  }

  private garbage(app: WechatApp, path: string, why = 'unexpected answer'): AppError {
    this.logger.warn(`WeChat ${path} for ${app.appid} answered garbage (${why})`);
    return new AppError('wechat_unavailable');
  }
}

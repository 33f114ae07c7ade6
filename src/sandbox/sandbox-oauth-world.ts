import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { codeLifetimeSeconds, WechatApp } from '../wechat-auth/wechat/apps/wechat-app';
import { SandboxWorld, stableId, WechatAnswer } from './sandbox-world';

const ACCESS_TOKEN_TTL_MS = 7200 * 1000;
const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;

interface Grant {
  appid: string;
  user: string;
  scope: string;
}

interface Expiring extends Grant {
  expiresAt: number;
}

export interface PersonaOptions {
  snapshotUser?: boolean;
  nickname?: string;
  /** What /sns/userinfo answers as headimgurl: WeChat passes on whatever it holds. */
  avatarUrl?: string;
}

/**
 * WeChat's web authorization as the sandbox plays it: codes the authorize
 * pages issue, the user access and refresh tokens they trade for, and what
 * each persona is like (a snapshot-page user, a nickname).
 */
@Injectable()
export class SandboxOAuthWorld {
  private readonly codes = new Map<string, Grant & { issuedAt: number; used: boolean }>();
  private readonly accessTokens = new Map<string, Expiring>();
  private readonly refreshTokens = new Map<string, Expiring>();
  private readonly personas = new Map<string, PersonaOptions>();

  constructor(private readonly world: SandboxWorld) {}

  setPersona(user: string, options: PersonaOptions): void {
    this.personas.set(user, { ...this.personas.get(user), ...options });
  }

  issueCode(app: WechatApp, user: string, scope: string): string {
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, { appid: app.appid, user, scope, issuedAt: this.world.now(), used: false });
    return code;
  }

  /** `/sns/oauth2/access_token`: spends the code and answers the user's token, or WeChat's errcode. */
  exchangeCode(appid: string, code: string): WechatAnswer | { errcode: number } {
    const issued = this.codes.get(code);
    if (!issued || issued.appid !== appid) return { errcode: 40029 };
    const app = this.world.app(appid)!;
    if (this.world.now() - issued.issuedAt > codeLifetimeSeconds(app.type) * 1000) return { errcode: 42003 };
    if (issued.used) return { errcode: 40163 };
    issued.used = true;
    const refreshToken = randomBytes(24).toString('base64url');
    this.refreshTokens.set(refreshToken, { ...issued, expiresAt: this.world.now() + REFRESH_TOKEN_TTL_MS });
    return { ...this.tokenAnswer(issued), refresh_token: refreshToken };
  }

  /** `/sns/oauth2/refresh_token`: a new access token for the same grant. */
  refresh(appid: string, refreshToken: string): WechatAnswer | { errcode: number } {
    const grant = this.refreshTokens.get(refreshToken);
    if (!grant || grant.appid !== appid || grant.expiresAt <= this.world.now()) return { errcode: 40030 };
    return { ...this.tokenAnswer(grant), refresh_token: refreshToken };
  }

  /** The grant behind a user access token for `openid`, or the errcode WeChat answers. */
  grantFor(accessToken: string | undefined, openid: string | undefined): Grant | { errcode: number } {
    const grant = accessToken ? this.accessTokens.get(accessToken) : undefined;
    if (!grant) return { errcode: 40001 };
    if (grant.expiresAt <= this.world.now()) return { errcode: 42001 };
    if (openid !== this.world.openid(grant.appid, grant.user)) return { errcode: 40003 };
    return grant;
  }

  /** `/sns/userinfo`: the profile a snsapi_userinfo or snsapi_login grant may read. */
  userinfo(grant: Grant): WechatAnswer {
    if (grant.scope === 'snsapi_base') return { errcode: 48001 };
    const app = this.world.app(grant.appid)!;
    const unionid = this.world.unionid(app, grant.user);
    return {
      openid: this.world.openid(grant.appid, grant.user),
      nickname: this.personas.get(grant.user)?.nickname ?? grant.user,
      sex: 0,
      province: '',
      city: '',
      country: '',
      headimgurl: this.personas.get(grant.user)?.avatarUrl ?? `https://thirdwx.qlogo.cn/mmopen/vi_32/${stableId('a', grant.user)}/132`,
      privilege: [],
      ...(unionid ? { unionid } : {}),
    };
  }

  private tokenAnswer(grant: Grant): WechatAnswer {
    const accessToken = randomBytes(24).toString('base64url');
    this.accessTokens.set(accessToken, { ...grant, expiresAt: this.world.now() + ACCESS_TOKEN_TTL_MS });
    const app = this.world.app(grant.appid)!;
    // Only a consented scope reveals the unionid.
    const unionid = grant.scope === 'snsapi_base' ? undefined : this.world.unionid(app, grant.user);
    return {
      access_token: accessToken,
      expires_in: 7200,
      openid: this.world.openid(grant.appid, grant.user),
      scope: grant.scope,
      ...(unionid ? { unionid } : {}),
      ...(this.personas.get(grant.user)?.snapshotUser ? { is_snapshotuser: 1 } : {}),
    };
  }
}

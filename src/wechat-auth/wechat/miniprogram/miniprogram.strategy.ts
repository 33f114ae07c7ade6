import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { LoginService } from '../../login/login.service';
import { TokenPair } from '../../sessions/token-pair';
import { validateBody } from '../../core/http/validation';
import { WechatApiClient } from '../api/wechat-api.client';
import { WechatAppRegistry } from '../apps/wechat-app-registry';
import { CodeExchangeService } from '../code-exchange/code-exchange.service';
import { clientInfo } from '../../core/client-info';
import { MiniProgramLoginDto } from './miniprogram-login.dto';

export const MINIPROGRAM_STRATEGY = 'wechat-miniprogram';

/**
 * `AuthGuard('wechat-miniprogram')`: trades a wx.login code for the user's
 * identity at WeChat and signs the user in. What passes is the token pair.
 */
@Injectable()
export class MiniProgramStrategy extends PassportStrategy(Strategy, MINIPROGRAM_STRATEGY) {
  constructor(
    private readonly apps: WechatAppRegistry,
    private readonly wechat: WechatApiClient,
    private readonly logins: LoginService,
    private readonly codes: CodeExchangeService,
  ) {
    super();
  }

  async validate(request: Request): Promise<TokenPair> {
    const body = validateBody(MiniProgramLoginDto, request.body);
    const app = this.apps.resolve(body.app, ['miniprogram']);
    return this.logins.login({ kind: 'miniprogram', appKey: app.key, client: clientInfo(request) }, () =>
      this.codes.exchange({ app, code: body.code }, async () => {
        const session = await this.wechat.code2Session(app, body.code);
        return { app, openid: session.openid, unionid: session.unionid, sessionKey: session.sessionKey };
      }),
    );
  }
}

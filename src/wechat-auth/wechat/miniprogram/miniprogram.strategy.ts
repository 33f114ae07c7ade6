import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { HttpRequest } from '../../core/http/http-request';
import { Strategy } from 'passport-custom';
import { LoginService } from '../../login/login.service';
import { TokenPair } from '../../sessions/token-pair';
import type { SignUpPending } from '../../login/sign-up/signup-tickets.service';
import { validateBody } from '../../core/http/validation';
import { WechatAppRegistry } from '../apps/wechat-app-registry';
import { clientInfo } from '../../core/client-info';
import { MiniProgramIdentityService } from './miniprogram-identity.service';
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
    private readonly identities: MiniProgramIdentityService,
    private readonly logins: LoginService,
  ) {
    super();
  }

  async validate(request: HttpRequest): Promise<TokenPair | SignUpPending> {
    const body = validateBody(MiniProgramLoginDto, request.body);
    const app = this.apps.resolve(body.app, ['miniprogram']);
    const client = clientInfo(request);
    return this.logins.login({ kind: 'miniprogram', appKey: app.key, client }, () => this.identities.identify(app, body.code, client));
  }
}

import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { HttpRequest } from '../../core/http/http-request';
import { Strategy } from 'passport-custom';
import { clientInfo } from '../../core/client-info';
import { validateBody } from '../../core/http/validation';
import { LoginService } from '../../login/login.service';
import { TokenPair } from '../../sessions/token-pair';
import type { SignUpPending } from '../../login/sign-up/signup-tickets.service';
import { WechatAppRegistry } from '../apps/wechat-app-registry';
import { CodeExchangeService } from '../code-exchange/code-exchange.service';
import { OAuthIdentityService } from '../oauth/oauth-identity.service';
import { MobileAppLoginDto } from './mobile-app-login.dto';

export const MOBILE_APP_STRATEGY = 'wechat-mobile-app';

/**
 * `AuthGuard('wechat-mobile-app')`: a native app's SendAuth code, traded at
 * WeChat's OAuth endpoints with the mobile application's own appid and
 * secret, signs the user in. What passes is the token pair.
 */
@Injectable()
export class MobileAppStrategy extends PassportStrategy(Strategy, MOBILE_APP_STRATEGY) {
  constructor(
    private readonly apps: WechatAppRegistry,
    private readonly identities: OAuthIdentityService,
    private readonly logins: LoginService,
    private readonly codes: CodeExchangeService,
  ) {
    super();
  }

  async validate(request: HttpRequest): Promise<TokenPair | SignUpPending> {
    const body = validateBody(MobileAppLoginDto, request.body);
    const app = this.apps.resolve(body.app, ['mobile_app']);
    const client = clientInfo(request);
    return this.logins.login({ kind: 'mobile_app', appKey: app.key, client }, () =>
      this.codes.exchange({ app, code: body.code, clientIp: client.ip }, () => this.identities.identify(app, body.code)),
    );
  }
}

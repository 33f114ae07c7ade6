import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { HttpRequest } from '../../core/http/http-request';
import { Strategy } from 'passport-custom';
import { validateBody } from '../../core/http/validation';
import { clientInfo } from '../../core/client-info';
import { OAuthLoginService } from './oauth-login.service';
import { CallbackQueryDto } from './oauth.dto';

export const OAUTH_STRATEGY = 'wechat-oauth';

/** Where the browser goes next: the frontend's return path with #ticket= or #error=. */
export interface OAuthOutcome {
  location: string;
}

/**
 * `AuthGuard('wechat-oauth')` on the OAuth callback: checks the state, trades
 * WeChat's code for the user's identity and a one-time login ticket.
 */
@Injectable()
export class WechatOAuthStrategy extends PassportStrategy(Strategy, OAUTH_STRATEGY) {
  constructor(private readonly oauth: OAuthLoginService) {
    super();
  }

  async validate(request: HttpRequest): Promise<OAuthOutcome> {
    const query = validateBody(CallbackQueryDto, request.query);
    return { location: await this.oauth.callback(String(request.params?.app), query, clientInfo(request)) };
  }
}

import { Controller, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { HttpRequest } from '../../core/http/http-request';
import { FollowsApiConventions } from '../../core/http/http-conventions';
import { TokenPair } from '../../sessions/token-pair';
import type { SignUpPending } from '../../login/sign-up/signup-tickets.service';
import { CodeLoginRoute } from '../code-login-route';
import { MobileAppLoginDto } from './mobile-app-login.dto';
import { MOBILE_APP_STRATEGY } from './mobile-app.strategy';

@ApiTags('mobile app')
@FollowsApiConventions()
@Controller('auth/wechat/app')
export class MobileAppController {
  @CodeLoginRoute('login', MOBILE_APP_STRATEGY, MobileAppLoginDto)
  login(@Req() request: HttpRequest & { user: TokenPair | SignUpPending }): TokenPair | SignUpPending {
    return request.user;
  }
}

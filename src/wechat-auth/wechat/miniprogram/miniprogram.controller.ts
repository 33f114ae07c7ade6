import { Controller, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { HttpRequest } from '../../core/http/http-request';
import { FollowsApiConventions } from '../../core/http/http-conventions';
import { TokenPair } from '../../sessions/token-pair';
import type { SignUpPending } from '../../login/sign-up/signup-tickets.service';
import { CodeLoginRoute } from '../code-login-route';
import { MiniProgramLoginDto } from './miniprogram-login.dto';
import { MINIPROGRAM_STRATEGY } from './miniprogram.strategy';

@ApiTags('mini program')
@FollowsApiConventions()
@Controller('auth/wechat/miniprogram')
export class MiniProgramController {
  @CodeLoginRoute('login', MINIPROGRAM_STRATEGY, MiniProgramLoginDto)
  login(@Req() request: HttpRequest & { user: TokenPair | SignUpPending }): TokenPair | SignUpPending {
    return request.user;
  }
}

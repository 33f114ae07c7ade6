import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { clientInfo } from '../../core/client-info';
import { FollowsApiConventions } from '../../core/http/http-conventions';
import type { HttpRequest } from '../../core/http/http-request';
import { TokenPair } from '../../sessions/token-pair';
import { ThrottleSignIn } from '../../throttling/credential-throttler.guard';
import { Public } from '../../tokens/decorators/public.decorator';
import { PhoneSignUp } from './phone-sign-up.service';
import { PhoneSignUpDto } from './sign-up.dto';

@ApiTags('sessions')
@FollowsApiConventions()
@Controller('auth/signup')
export class SignUpController {
  constructor(private readonly signUps: PhoneSignUp) {}

  /** Sign-up policy `require-phone`: the login's signupTicket, a getPhoneNumber code and a wx.login code of the ticket's person. */
  @Public()
  @Post('phone')
  @ThrottleSignIn()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: TokenPair })
  phone(@Body() body: PhoneSignUpDto, @Req() request: HttpRequest): Promise<TokenPair> {
    return this.signUps.complete(body, clientInfo(request));
  }
}

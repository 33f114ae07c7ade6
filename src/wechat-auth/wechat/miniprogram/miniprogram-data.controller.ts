import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { HttpRequest } from '../../core/http/http-request';
import { clientInfo } from '../../core/client-info';
import { ThrottleSignIn } from '../../throttling/credential-throttler.guard';
import { MiniProgramBinding } from './miniprogram-binding.service';
import { MiniProgramLoginDto } from './miniprogram-login.dto';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../../tokens/auth-user';
import { CurrentUser } from '../../tokens/decorators/current-user.decorator';
import { UserView } from '../../users/user.view';
import { EncryptedProfileDto, PhoneNumberDto, PhoneNumberView } from './miniprogram-data.dto';
import { MiniProgramDataService } from './miniprogram-data.service';
import { FollowsApiConventions } from '../../core/http/http-conventions';

@ApiTags('mini program')
@ApiBearerAuth()
@FollowsApiConventions()
@Controller('auth/wechat/miniprogram')
export class MiniProgramDataController {
  constructor(
    private readonly data: MiniProgramDataService,
    private readonly binding: MiniProgramBinding,
  ) {}

  /**
   * Binds the Mini Program identity behind a fresh wx.login code to the
   * caller; a user that held it is the same person and is merged into the caller.
   */
  @Post('bind')
  @HttpCode(200)
  @ThrottleSignIn()
  @ApiOkResponse({ type: UserView })
  bind(@CurrentUser() user: AuthUser, @Body() body: MiniProgramLoginDto, @Req() request: HttpRequest): Promise<UserView> {
    return this.binding.bind(user.id, body, clientInfo(request));
  }

  /** Binds the number behind a getPhoneNumber button's code to the caller. */
  @Post('phone')
  @HttpCode(200)
  // Each bogus code spends the app's WeChat quota, like a bogus sign-in code.
  @ThrottleSignIn()
  @ApiOkResponse({ type: PhoneNumberView })
  phone(@CurrentUser() user: AuthUser, @Body() body: PhoneNumberDto): Promise<PhoneNumberView> {
    return this.data.bindPhone(user.id, body);
  }

  /** Updates the caller's profile from encrypted user data, once it opens with their session_key and passes the checks. */
  @Post('profile')
  @HttpCode(200)
  @ApiOkResponse({ type: UserView })
  profile(@CurrentUser() user: AuthUser, @Body() body: EncryptedProfileDto): Promise<UserView> {
    return this.data.updateProfile(user.id, body);
  }
}

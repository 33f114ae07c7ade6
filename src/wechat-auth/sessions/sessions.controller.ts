import { Body, Controller, Delete, Get, Header, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AccountDeletion } from '../users/account-deletion.service';
import { OwnProfile } from '../users/own-profile.service';
import { RenameDto } from '../users/own-profile.dto';
import { ThrottleSignIn } from '../throttling/credential-throttler.guard';
import { AccountView } from '../users/account-view.service';
import { UserView } from '../users/user.view';
import { AuthUser } from '../tokens/auth-user';
import { CurrentUser } from '../tokens/decorators/current-user.decorator';
import { Public } from '../tokens/decorators/public.decorator';
import { RefreshDto } from './refresh.dto';
import { SessionService } from './session.service';
import { TokenPair } from './token-pair';
import { FollowsApiConventions } from '../core/http/http-conventions';

@ApiTags('sessions')
@FollowsApiConventions()
@Controller()
export class SessionsController {
  constructor(
    private readonly sessions: SessionService,
    private readonly accounts: AccountView,
    private readonly deletion: AccountDeletion,
    private readonly profile: OwnProfile,
  ) {}

  @Public()
  @Post('auth/refresh')
  @ThrottleSignIn()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: TokenPair })
  refresh(@Body() body: RefreshDto): Promise<TokenPair> {
    return this.sessions.refresh(body.refreshToken);
  }

  @Post('auth/logout')
  @HttpCode(204)
  @ApiBearerAuth()
  async logout(@CurrentUser() user: AuthUser): Promise<void> {
    await this.sessions.logout(user.sessionId);
  }

  @Get('auth/me')
  @Header('Cache-Control', 'no-store')
  @ApiBearerAuth()
  @ApiOkResponse({ type: UserView })
  async me(@CurrentUser() caller: AuthUser): Promise<UserView> {
    return this.accounts.of(caller.id);
  }

  @Patch('auth/me')
  @Header('Cache-Control', 'no-store')
  @ApiBearerAuth()
  @ApiOkResponse({ type: UserView })
  rename(@CurrentUser() caller: AuthUser, @Body() body: RenameDto): Promise<UserView> {
    return this.profile.rename(caller.id, body.nickname);
  }

  @Delete('auth/me')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'The account is deleted. Needs a token from a sign-in (not a refresh) of the last 5 minutes, else 403 reauthentication_required.' })
  async deleteAccount(@CurrentUser() caller: AuthUser): Promise<void> {
    await this.deletion.deleteOwnAccount(caller);
  }

  /** HMAC-signed tokens have no public key to publish; the document exists so verifiers can rely on the URL. */
  @Public()
  @Get('.well-known/jwks.json')
  jwks(): { keys: never[] } {
    return { keys: [] };
  }
}

import { Controller, Get, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiFoundResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../tokens/decorators/public.decorator';
import { CredentialThrottlerGuard } from '../../throttling/credential-throttler.guard';
import { OAuthLoginService } from './oauth-login.service';
import { AuthorizeQueryDto } from './oauth.dto';
import { OAUTH_STRATEGY, OAuthOutcome } from './wechat-oauth.strategy';
import { FollowsApiConventions } from '../../core/http/http-conventions';

/** No page of this flow may leak its URL (code, state) to another site, nor be cached. */
function redirect(res: Response, location: string): void {
  res.set({ 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' }).redirect(302, location);
}

@ApiTags('official account and website')
@FollowsApiConventions()
@Controller('auth/wechat/oauth/:app')
export class OAuthController {
  constructor(private readonly oauth: OAuthLoginService) {}

  @Public()
  @Get('authorize')
  @ApiFoundResponse({ description: "Redirect to WeChat's authorize page (QR page for website apps)." })
  authorize(@Param('app') app: string, @Query() query: AuthorizeQueryDto, @Req() request: Request, @Res() res: Response): void {
    redirect(res, this.oauth.authorizeUrl(app, query, request.url));
  }

  @Public()
  @Get('callback')
  @UseGuards(CredentialThrottlerGuard, AuthGuard(OAUTH_STRATEGY))
  @ApiFoundResponse({ description: 'Redirect to returnTo with #ticket=<one-time ticket> (POST /auth/ticket), or #error=<code>.' })
  callback(@Req() request: Request & { user: OAuthOutcome }, @Res() res: Response): void {
    redirect(res, request.user.location);
  }
}

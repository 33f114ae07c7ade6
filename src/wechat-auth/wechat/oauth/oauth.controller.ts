import { applyDecorators, Controller, Get, Header, Param, Query, Redirect, Req, UseGuards } from '@nestjs/common';
import { ApiFoundResponse, ApiTags } from '@nestjs/swagger';
import type { HttpRequest } from '../../core/http/http-request';
import { Public } from '../../tokens/decorators/public.decorator';
import { CredentialThrottlerGuard } from '../../throttling/credential-throttler.guard';
import { FailureCountingAuthGuard } from '../../throttling/failure-counting-auth.guard';
import { OAuthLoginService } from './oauth-login.service';
import { AuthorizeQueryDto } from './oauth.dto';
import { OAUTH_STRATEGY, OAuthOutcome } from './wechat-oauth.strategy';
import { FollowsApiConventions } from '../../core/http/http-conventions';

interface RedirectTo {
  url: string;
}

/** A 302 that leaks its URL (code, state) to no other site and is never cached, through Nest on either HTTP platform. */
const OAuthRedirect = () => applyDecorators(Redirect(), Header('Referrer-Policy', 'no-referrer'), Header('Cache-Control', 'no-store'));

/** One "Sign in with WeChat" link for every browser: the right flow is picked from where it runs. */
@ApiTags('official account and website')
@FollowsApiConventions()
@Controller('auth/wechat/oauth')
export class OAuthEntryController {
  constructor(private readonly oauth: OAuthLoginService) {}

  @Public()
  @Get('authorize')
  @OAuthRedirect()
  @ApiFoundResponse({ description: "Inside WeChat's browser: the Official Account's authorize page; elsewhere: the website's QR page." })
  authorize(@Query() query: AuthorizeQueryDto, @Req() request: HttpRequest): RedirectTo {
    const userAgent = request.headers['user-agent'];
    return { url: this.oauth.entryUrl(query, typeof userAgent === 'string' ? userAgent : undefined, request.url) };
  }
}

@ApiTags('official account and website')
@FollowsApiConventions()
@Controller('auth/wechat/oauth/:app')
export class OAuthController {
  constructor(private readonly oauth: OAuthLoginService) {}

  @Public()
  @Get('authorize')
  @OAuthRedirect()
  @ApiFoundResponse({ description: "Redirect to WeChat's authorize page (QR page for website apps)." })
  authorize(@Param('app') app: string, @Query() query: AuthorizeQueryDto, @Req() request: HttpRequest): RedirectTo {
    return { url: this.oauth.authorizeUrl(app, query, request.url, { challenge: Buffer.from(query.challenge, 'base64url') }) };
  }

  @Public()
  @Get('callback')
  @UseGuards(CredentialThrottlerGuard, FailureCountingAuthGuard(OAUTH_STRATEGY))
  @OAuthRedirect()
  @ApiFoundResponse({ description: 'Redirect to returnTo with #ticket=<one-time ticket> (POST /auth/ticket), or #error=<code>.' })
  callback(@Req() request: HttpRequest & { user: OAuthOutcome }): RedirectTo {
    return { url: request.user.location };
  }
}

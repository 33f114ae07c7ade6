import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { Public } from '../wechat-auth/tokens/decorators/public.decorator';
import { AppError } from '../wechat-auth/core/errors/app-error';
import { SandboxAppTokens } from './sandbox-app-tokens';
import { AgeAppTokenDto, AppTokenControlDto } from './sandbox-miniprogram-data.dto';
import { SandboxResponder } from './sandbox-responder';
import type { WechatQuery } from './sandbox-wechat.controller';
import { DATA_FORMAT_ERROR, readWechatBody, SandboxWorld, wechatErrorAnswer } from './sandbox-world';

/** WeChat's app access_token paths, and the knobs tests use to age or kill the token we hold. */
@ApiTags('sandbox')
@Public()
@Controller('sandbox')
export class SandboxAppTokenController {
  constructor(
    private readonly world: SandboxWorld,
    private readonly tokens: SandboxAppTokens,
    private readonly responder: SandboxResponder,
  ) {}

  @ApiExcludeEndpoint()
  @Get('cgi-bin/token')
  async token(@Query() query: WechatQuery, @Res() res: unknown): Promise<void> {
    await this.responder.answer('/cgi-bin/token', res, () => {
      if (query.grant_type !== 'client_credential') return wechatErrorAnswer(40002);
      const credentials = this.world.credentialsError(query.appid, query.secret);
      return credentials ? wechatErrorAnswer(credentials) : this.tokens.replace(query.appid!);
    });
  }

  @ApiExcludeEndpoint()
  @Post('cgi-bin/stable_token')
  async stableToken(@Body() raw: unknown, @Res() res: unknown): Promise<void> {
    await this.responder.answer('/cgi-bin/stable_token', res, () => {
      const body = readWechatBody(raw);
      if (!body) return wechatErrorAnswer(DATA_FORMAT_ERROR);
      const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
      if (body.grant_type !== 'client_credential') return wechatErrorAnswer(40002);
      const credentials = this.world.credentialsError(text(body.appid), text(body.secret));
      if (credentials) return wechatErrorAnswer(credentials);
      const answer = this.tokens.stable(body.appid as string, body.force_refresh === true);
      return 'errcode' in answer ? wechatErrorAnswer(answer.errcode) : answer;
    });
  }

  /** As if someone force-refreshed the app's stable token elsewhere: the one we hold answers 40001 from now on. */
  @Post('app-token/invalidate')
  @HttpCode(204)
  invalidate(@Body() body: AppTokenControlDto): void {
    this.tokens.invalidateStable(this.knownApp(body.appid));
  }

  /** Brings the current stable token near its end, so a normal-mode call renews it. */
  @Post('app-token/age')
  @HttpCode(204)
  age(@Body() body: AgeAppTokenDto): void {
    if (!this.tokens.ageStable(this.knownApp(body.appid), body.secondsLeft)) throw new AppError('not_found', 'No stable token has been issued for that app yet.');
  }

  private knownApp(appid: string): string {
    if (!this.world.app(appid)) throw new AppError('unknown_app', 'The sandbox has no app with that appid.');
    return appid;
  }
}

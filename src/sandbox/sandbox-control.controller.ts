import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../wechat-auth/tokens/decorators/public.decorator';
import { AppError } from '../wechat-auth/core/errors/app-error';
import { AppBindingDto, ClockDto, CodeView, FaultDto, SandboxAppView, SendAuthDto, WxLoginDto } from './sandbox.dto';
import { WechatApp } from '../wechat-auth/wechat/apps/wechat-app';
import { SandboxOAuthWorld } from './sandbox-oauth-world';
import { SandboxFaults } from './sandbox-faults';
import { SandboxWorld } from './sandbox-world';

/** What a phone would do, and the knobs tests turn: personas log in, faults are injected, calls are counted. */
@ApiTags('sandbox')
@Public()
@Controller('sandbox')
export class SandboxControlController {
  constructor(
    private readonly world: SandboxWorld,
    private readonly faults: SandboxFaults,
    private readonly oauth: SandboxOAuthWorld,
  ) {}

  @Get('apps')
  @ApiOkResponse({ type: [SandboxAppView] })
  apps(): SandboxAppView[] {
    return this.world.apps.map((app) => this.appView(app));
  }

  /** Binds an app to the Open Platform account, or unbinds it (to show binding without unionid); makes a Mini Program new-style or old-style. */
  @Post('apps/:appid')
  @HttpCode(200)
  @ApiOkResponse({ type: SandboxAppView })
  setBinding(@Param('appid') appid: string, @Body() body: AppBindingDto): SandboxAppView {
    const app = this.world.app(appid);
    if (!app) throw new AppError('unknown_app', 'The sandbox has no app with that appid.');
    if (body.openPlatformBound !== undefined) this.world.setOpenPlatformBound(app, body.openPlatformBound);
    if (body.newStyleProfile !== undefined) this.world.setNewStyleProfile(app, body.newStyleProfile);
    return this.appView(app);
  }

  @Post('wx.login')
  @HttpCode(200)
  @ApiOkResponse({ type: CodeView })
  wxLogin(@Body() body: WxLoginDto): CodeView {
    const app = this.world.app(body.appid);
    if (!app || app.type !== 'miniprogram') throw new AppError('unknown_app', 'The sandbox has no Mini Program with that appid.');
    return { code: this.world.issueLoginCode(app, body.user) };
  }

  /** What the WeChat app hands a native app after `SendAuth.Req`: a code its server trades like a web authorization's. */
  @Post('app/sendauth')
  @HttpCode(200)
  @ApiOkResponse({ type: CodeView })
  sendAuth(@Body() body: SendAuthDto): CodeView {
    const app = this.world.app(body.appid);
    if (!app || app.type !== 'mobile_app') throw new AppError('unknown_app', 'The sandbox has no mobile app with that appid.');
    return { code: this.oauth.issueCode(app, body.user, body.scope ?? 'snsapi_userinfo') };
  }

  @Post('faults')
  @HttpCode(204)
  addFault(@Body() body: FaultDto): void {
    this.faults.add({ ...body, times: body.times ?? 1 });
  }

  @Delete('faults')
  @HttpCode(204)
  clearFaults(): void {
    this.faults.clear();
  }

  @Get('calls')
  calls(): Record<string, number> {
    return this.faults.calls();
  }

  @Post('clock')
  @HttpCode(204)
  advanceClock(@Body() body: ClockDto): void {
    this.world.advanceClock(body.advanceSeconds * 1000);
  }

  private appView(app: WechatApp): SandboxAppView {
    return {
      key: app.key,
      type: app.type,
      appid: app.appid,
      openPlatformBound: this.world.isOpenPlatformBound(app),
      newStyleProfile: this.world.isNewStyleProfile(app),
    };
  }
}

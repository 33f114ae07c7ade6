import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import { HttpAdapterHost } from '@nestjs/core';
import { Public } from '../../wechat-auth/tokens/decorators/public.decorator';
import { WechatApiClient } from '../../wechat-auth/wechat/api/wechat-api.client';

type Status = 'up' | 'down';

// Load balancers poll /health every few seconds; WeChat need not hear from each of them.
const WECHAT_PROBE_EVERY_MS = 30_000;

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  private wechatProbe?: { at: number; result: Promise<boolean> };

  constructor(
    private readonly database: TypeOrmHealthIndicator,
    private readonly wechat: WechatApiClient,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /**
   * 503 only when this instance's database is down. WeChat being unreachable
   * is reported but does not fail the check: every instance shares WeChat, so
   * taking them out of the load balancer would help nobody.
   */
  @Get()
  @ApiOkResponse({ schema: { example: { status: 'ok', db: 'up', wechat: 'up' } } })
  @ApiServiceUnavailableResponse({ schema: { example: { status: 'error', db: 'down', wechat: 'up' } } })
  async check(@Res({ passthrough: true }) res: unknown): Promise<{ status: 'ok' | 'error'; db: Status; wechat: Status }> {
    const [dbUp, wechatUp] = await Promise.all([
      this.database
        .pingCheck('db', { timeout: 1500 })
        .then((result) => result.db?.status === 'up')
        .catch(() => false),
      this.wechatReachable(),
    ]);
    this.adapterHost.httpAdapter.status(res, dbUp ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: dbUp ? 'ok' : 'error', db: dbUp ? 'up' : 'down', wechat: wechatUp ? 'up' : 'down' };
  }

  private wechatReachable(): Promise<boolean> {
    if (!this.wechatProbe || Date.now() - this.wechatProbe.at > WECHAT_PROBE_EVERY_MS) {
      this.wechatProbe = { at: Date.now(), result: this.wechat.isReachable() };
    }
    return this.wechatProbe.result;
  }
}

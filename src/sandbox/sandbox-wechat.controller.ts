import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import { Public } from '../auth/decorators/public.decorator';
import { SandboxFaults } from './sandbox-faults';
import { SandboxWorld, WechatAnswer, wechatErrorAnswer } from './sandbox-world';

type WechatQuery = Record<string, string | undefined>;

/** WeChat's own server paths, answered the way WeChat answers them: HTTP 200, errcode on failure only. */
@ApiExcludeController()
@Public()
@Controller('sandbox')
export class SandboxWechatController {
  constructor(
    private readonly world: SandboxWorld,
    private readonly faults: SandboxFaults,
  ) {}

  @Get('sns/jscode2session')
  async jscode2session(@Query() query: WechatQuery, @Res() res: Response): Promise<void> {
    await this.answer('/sns/jscode2session', res, () => {
      const credentials = this.world.credentialsError(query.appid, query.secret);
      if (credentials) return wechatErrorAnswer(credentials);
      if (this.world.app(query.appid!)!.type !== 'miniprogram') return wechatErrorAnswer(40013);
      if (!query.js_code) return wechatErrorAnswer(41008);
      const spent = this.world.spendCode(query.appid!, query.js_code);
      if ('errcode' in spent) return wechatErrorAnswer(spent.errcode);
      const app = this.world.app(spent.appid)!;
      const unionid = this.world.unionid(app, spent.user);
      return { session_key: spent.sessionKey, openid: this.world.openid(app.appid, spent.user), ...(unionid ? { unionid } : {}) };
    });
  }

  /** Counts the call, plays an injected fault if one is due, and otherwise sends WeChat's answer. */
  private async answer(path: string, res: Response, produce: () => WechatAnswer): Promise<void> {
    const fault = this.faults.onCall(path);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.httpStatus) {
      const body = fault.body ?? '';
      res.status(fault.httpStatus).type(body.trimStart().startsWith('<') ? 'text/html' : 'text/plain').send(body);
      return;
    }
    const answer = fault?.errcode !== undefined ? wechatErrorAnswer(fault.errcode) : produce();
    // WeChat labels many JSON answers text/plain; clients must parse them regardless.
    res.status(200).type('text/plain').send(JSON.stringify(answer));
  }
}

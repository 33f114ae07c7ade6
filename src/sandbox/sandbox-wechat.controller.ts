import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../wechat-auth/tokens/decorators/public.decorator';
import { SandboxResponder } from './sandbox-responder';
import { SandboxWorld, wechatErrorAnswer } from './sandbox-world';

export type WechatQuery = Record<string, string | undefined>;

/** WeChat's Mini Program login path, answered the way WeChat answers it. */
@ApiExcludeController()
@Public()
@Controller('sandbox')
export class SandboxWechatController {
  constructor(
    private readonly world: SandboxWorld,
    private readonly responder: SandboxResponder,
  ) {}

  @Get('sns/jscode2session')
  async jscode2session(@Query() query: WechatQuery, @Res() res: unknown): Promise<void> {
    await this.responder.answer('/sns/jscode2session', res, () => {
      const credentials = this.world.credentialsError(query.appid, query.secret);
      if (credentials) return wechatErrorAnswer(credentials);
      if (this.world.app(query.appid!)!.type !== 'miniprogram') return wechatErrorAnswer(40013);
      if (!query.js_code) return wechatErrorAnswer(41008);
      const spent = this.world.spendCode(query.appid!, query.js_code);
      if ('errcode' in spent) return wechatErrorAnswer(spent.errcode);
      const app = this.world.app(query.appid!)!;
      const unionid = this.world.unionid(app, spent.user);
      return { session_key: spent.sessionKey, openid: this.world.openid(app.appid, spent.user), ...(unionid ? { unionid } : {}) };
    });
  }
}

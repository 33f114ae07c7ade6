import { Injectable } from '@nestjs/common';
import { VerifiedLogin } from '../../login/login.service';
import { ClientInfo } from '../../sessions/session.service';
import { WechatApiClient } from '../api/wechat-api.client';
import { WechatApp } from '../apps/wechat-app';
import { CodeExchangeService } from '../code-exchange/code-exchange.service';

/** The identity behind a wx.login code: asked of WeChat once per code, however many copies arrive. */
@Injectable()
export class MiniProgramIdentityService {
  constructor(
    private readonly wechat: WechatApiClient,
    private readonly codes: CodeExchangeService,
  ) {}

  identify(app: WechatApp, code: string, client: ClientInfo): Promise<VerifiedLogin> {
    return this.codes.exchange({ app, code, clientIp: client.ip }, async () => {
      const session = await this.wechat.code2Session(app, code);
      return { app, openid: session.openid, unionid: session.unionid, sessionKey: session.sessionKey };
    });
  }
}

import { Injectable } from '@nestjs/common';
import { LoginService } from '../../login/login.service';
import { ClientInfo } from '../../sessions/session.service';
import { AccountView } from '../../users/account-view.service';
import { UserView } from '../../users/user.view';
import { WechatAppRegistry } from '../apps/wechat-app-registry';
import { MiniProgramIdentityService } from './miniprogram-identity.service';
import { MiniProgramLoginDto } from './miniprogram-login.dto';

/** A signed-in person binds their Mini Program identity (from a fresh wx.login code) to their account. */
@Injectable()
export class MiniProgramBinding {
  constructor(
    private readonly apps: WechatAppRegistry,
    private readonly identities: MiniProgramIdentityService,
    private readonly logins: LoginService,
    private readonly accounts: AccountView,
  ) {}

  async bind(userId: string, body: MiniProgramLoginDto, client: ClientInfo): Promise<UserView> {
    const app = this.apps.resolve(body.app, ['miniprogram']);
    await this.logins.bind(userId, { kind: 'bind', appKey: app.key, client }, () => this.identities.identify(app, body.code, client));
    return this.accounts.of(userId);
  }
}

import { Injectable } from '@nestjs/common';
import { AppError } from '../../core/errors/app-error';
import { LoginService } from '../../login/login.service';
import { ClientInfo } from '../../sessions/session.service';
import { toUserView, UserView } from '../../users/user.view';
import { UsersRepository } from '../../users/users.repository';
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
    private readonly users: UsersRepository,
  ) {}

  async bind(userId: string, body: MiniProgramLoginDto, client: ClientInfo): Promise<UserView> {
    const app = this.apps.resolve(body.app, ['miniprogram']);
    await this.logins.bind(userId, { kind: 'bind', appKey: app.key, client }, () => this.identities.identify(app, body.code));
    const user = await this.users.findWithIdentities(userId);
    if (!user) throw new AppError('session_revoked', 'This account no longer exists. Sign in again.');
    return toUserView(user);
  }
}

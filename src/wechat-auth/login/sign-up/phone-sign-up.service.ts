import { Injectable } from '@nestjs/common';
import { ClientInfo } from '../../sessions/session.service';
import { TokenPair } from '../../sessions/token-pair';
import { MiniProgramDataService } from '../../wechat/miniprogram/miniprogram-data.service';
import { WechatAppRegistry } from '../../wechat/apps/wechat-app-registry';
import { LoginService } from '../login.service';
import { PhoneSignUpDto } from './sign-up.dto';
import { SignupTickets, ticketGone } from './signup-tickets.service';

/**
 * The second step of a `require-phone` sign-up: WeChat vouches for the
 * person's phone, and the identity held under the ticket joins the user who
 * holds that verified phone (a user the host made, say) or a new user with it.
 */
@Injectable()
export class PhoneSignUp {
  constructor(
    private readonly signUps: SignupTickets,
    private readonly miniPrograms: MiniProgramDataService,
    private readonly apps: WechatAppRegistry,
    private readonly logins: LoginService,
  ) {}

  async complete(body: PhoneSignUpDto, client: ClientInfo): Promise<TokenPair> {
    // Checked before WeChat is asked about the phone: a ticket carried into another browser costs no WeChat call.
    const app = await this.signUps.peekApp(body.signupTicket, body.verifier);
    const outcome = await this.logins.login({ kind: app?.type ?? 'signup', appKey: app?.key ?? null, client }, async () => {
      if (!app) throw ticketGone();
      // The phone button exists only in Mini Programs: a sign-up that began elsewhere shows a phone from one of them.
      const phoneApp = app.type === 'miniprogram' ? app : this.apps.resolve(body.app, ['miniprogram']);
      const phone = await this.miniPrograms.verifiedPhone(phoneApp, body.code);
      // Spent only once WeChat vouched for the phone: a mistyped code does not cost the person their sign-up.
      return { ...(await this.signUps.take(body.signupTicket)), verifiedPhone: phone.phoneNumber };
    });
    // A login that comes with a verified phone always ends signed in (never asks for the phone again).
    return outcome as TokenPair;
  }
}

import { Injectable } from '@nestjs/common';
import { AppError } from '../../core/errors/app-error';
import { ClientInfo } from '../../sessions/session.service';
import { TokenPair } from '../../sessions/token-pair';
import { VerifiedWechatIdentity } from '../../users/wechat-profile';
import { MiniProgramDataService } from '../../wechat/miniprogram/miniprogram-data.service';
import { MiniProgramIdentityService } from '../../wechat/miniprogram/miniprogram-identity.service';
import { WechatAppRegistry } from '../../wechat/apps/wechat-app-registry';
import { LoginService } from '../login.service';
import { PhoneSignUpDto } from './sign-up.dto';
import { HeldIdentity, SignupTickets, ticketGone } from './signup-tickets.service';

function anotherPersonsSignUp(): AppError {
  return new AppError('ticket_invalid', 'This sign-up belongs to another WeChat user. Sign in with your own WeChat to sign up.');
}

/**
 * Whether WeChat's answer about the person who pressed the phone button names
 * the ticket's person: the same openid of the same app, or the same unionid
 * (one Open Platform account across apps). An identity without a unionid can
 * be recognised only in its own app.
 */
function isSamePerson(held: HeldIdentity, presser: VerifiedWechatIdentity): boolean {
  if (held.app.appid === presser.app.appid && held.openid === presser.openid) return true;
  return Boolean(held.unionid) && held.unionid === presser.unionid;
}

/**
 * The second step of a `require-phone` sign-up: WeChat vouches for the
 * person's phone, and the identity held under the ticket joins the user who
 * holds that verified phone (a user the host made, say) or a new user with it.
 */
@Injectable()
export class PhoneSignUp {
  constructor(
    private readonly signUps: SignupTickets,
    private readonly identities: MiniProgramIdentityService,
    private readonly miniPrograms: MiniProgramDataService,
    private readonly apps: WechatAppRegistry,
    private readonly logins: LoginService,
  ) {}

  async complete(body: PhoneSignUpDto, client: ClientInfo): Promise<TokenPair> {
    // Checked before WeChat is asked anything: a ticket carried into another browser costs no WeChat call.
    const held = await this.signUps.peek(body.signupTicket, body.verifier);
    const outcome = await this.logins.login({ kind: held?.app.type ?? 'signup', appKey: held?.app.key ?? null, client }, async () => {
      if (!held) throw ticketGone();
      // The phone button exists only in Mini Programs: a sign-up that began elsewhere shows a phone from one of them.
      const phoneApp = held.app.type === 'miniprogram' ? held.app : this.apps.resolve(body.app, ['miniprogram']);
      // A ticket travels in links (share cards, QR codes, web-view URLs): the phone says nothing about who pressed
      // the button, so WeChat must say, from a fresh wx.login of that Mini Program, that it is the ticket's person.
      const presser = await this.identities.identify(phoneApp, body.loginCode, client);
      if (!isSamePerson(held, presser)) {
        await this.signUps.burn(body.signupTicket);
        throw anotherPersonsSignUp();
      }
      const phone = await this.miniPrograms.verifiedPhone(phoneApp, body.code);
      // Spent only once WeChat vouched for the phone: a mistyped code does not cost the person their sign-up.
      const signingUp = await this.signUps.take(body.signupTicket);
      // That wx.login replaced the Mini Program's session_key: the login's own is stale now.
      const sessionKey = held.app.type === 'miniprogram' ? (presser.sessionKey ?? signingUp.sessionKey) : signingUp.sessionKey;
      return { ...signingUp, sessionKey, verifiedPhone: phone.phoneNumber };
    });
    // A login that comes with a verified phone always ends signed in (never asks for the phone again).
    return outcome as TokenPair;
  }
}

import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataCipher } from '../../core/crypto/data-cipher';
import { AppError } from '../../core/errors/app-error';
import { VerifiedWechatIdentity } from '../../users/wechat-profile';
import { WechatAppRegistry } from '../../wechat/apps/wechat-app-registry';
import { WECHAT_APP_TYPES, WechatApp } from '../../wechat/apps/wechat-app';
import { hashTicket, TICKET_PATTERN } from '../tickets/ticket-hash';
import { SignupTicketsRepository } from './signup-tickets.repository';

export function ticketGone(): AppError {
  return new AppError('ticket_invalid', 'The sign-up ticket is unknown, used or expired. Sign in again.');
}

/** What a login of an unknown identity answers under the `require-phone` policy, instead of a token pair. */
export interface SignUpPending {
  signupTicket: string;
  next: 'phone';
  expiresIn: number;
}

// Long enough to read the page and tap WeChat's phone button; the ticket is all a phone sign-up needs besides the phone.
export const SIGNUP_TICKET_TTL_SECONDS = 600;

const sealContext = (ticketHash: Buffer) => `signup_tickets.session_key:${ticketHash.toString('hex')}`;

/** Holds what WeChat said about an unknown identity until the person shows a phone, under a one-time ticket. */
@Injectable()
export class SignupTickets {
  constructor(
    private readonly tickets: SignupTicketsRepository,
    private readonly cipher: DataCipher,
    private readonly apps: WechatAppRegistry,
  ) {}

  async hold(verified: VerifiedWechatIdentity): Promise<SignUpPending> {
    const signupTicket = randomBytes(32).toString('base64url');
    const ticketHash = hashTicket(signupTicket);
    await this.tickets.create(
      ticketHash,
      {
        appKey: verified.app.key,
        identity: { openid: verified.openid, unionid: verified.unionid ?? null, profile: verified.profile },
        sessionKey: verified.sessionKey ? this.cipher.seal(verified.sessionKey, sealContext(ticketHash)) : null,
      },
      SIGNUP_TICKET_TTL_SECONDS,
    );
    return { signupTicket, next: 'phone', expiresIn: SIGNUP_TICKET_TTL_SECONDS };
  }

  /** The app of a held sign-up, without spending it; null when the ticket is unknown, used or expired. */
  async peekApp(signupTicket: string): Promise<WechatApp | null> {
    const held = TICKET_PATTERN.test(signupTicket) ? await this.tickets.find(hashTicket(signupTicket)) : null;
    return held ? this.apps.resolve(held.appKey, WECHAT_APP_TYPES) : null;
  }

  /** Spends the ticket: the identity it held, as WeChat vouched for it. */
  async take(signupTicket: string): Promise<VerifiedWechatIdentity> {
    const ticketHash = hashTicket(signupTicket);
    const held = TICKET_PATTERN.test(signupTicket) ? await this.tickets.spend(ticketHash) : null;
    if (!held) throw ticketGone();
    const sessionKey = held.sessionKey ? this.cipher.open(held.sessionKey, sealContext(ticketHash)) : undefined;
    return { app: this.apps.resolve(held.appKey, WECHAT_APP_TYPES), ...held.identity, sessionKey };
  }

  purgeExpired(): Promise<void> {
    return this.tickets.purgeExpired();
  }
}

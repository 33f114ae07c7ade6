import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataCipher } from '../../core/crypto/data-cipher';
import { AppError } from '../../core/errors/app-error';
import { VerifiedWechatIdentity } from '../../users/wechat-profile';
import { WechatAppRegistry } from '../../wechat/apps/wechat-app-registry';
import { WECHAT_APP_TYPES, WechatApp } from '../../wechat/apps/wechat-app';
import { hashTicket, TICKET_PATTERN, verifierMatches } from '../tickets/ticket-hash';
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

/** Whom a held sign-up is for: the WeChat identity the login found unknown. */
export interface HeldIdentity {
  app: WechatApp;
  openid: string;
  unionid: string | null;
}

// Long enough to read the page and tap WeChat's phone button.
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

  /**
   * `challenge`: the PKCE challenge of the OAuth login that found the person
   * unknown. That ticket travels in a URL, so it is bound to the browser that
   * started the login, as a login ticket is: whoever else the link reaches
   * cannot join the identity to their account with it. A Mini Program or
   * mobile app login answers its ticket to the caller itself and has none.
   */
  async hold(verified: VerifiedWechatIdentity, challenge?: Buffer): Promise<SignUpPending> {
    const signupTicket = randomBytes(32).toString('base64url');
    const ticketHash = hashTicket(signupTicket);
    await this.tickets.create(
      ticketHash,
      {
        appKey: verified.app.key,
        identity: { openid: verified.openid, unionid: verified.unionid ?? null, profile: verified.profile },
        sessionKey: verified.sessionKey ? this.cipher.seal(verified.sessionKey, sealContext(ticketHash)) : null,
        challenge: challenge ?? null,
      },
      SIGNUP_TICKET_TTL_SECONDS,
    );
    return { signupTicket, next: 'phone', expiresIn: SIGNUP_TICKET_TTL_SECONDS };
  }

  /**
   * The app and identity of a held sign-up, without spending it; null when
   * the ticket is unknown, used or expired. A ticket of an OAuth login
   * presented without its browser's verifier is burnt as it is refused: a
   * link's ticket is good in no other browser, not even after a guess.
   */
  async peek(signupTicket: string, verifier: string | undefined): Promise<HeldIdentity | null> {
    if (!TICKET_PATTERN.test(signupTicket)) return null;
    const ticketHash = hashTicket(signupTicket);
    const held = await this.tickets.find(ticketHash);
    if (!held) return null;
    if (!verifierMatches(held.challenge, verifier)) {
      await this.tickets.spend(ticketHash);
      return null;
    }
    return { app: this.apps.resolve(held.appKey, WECHAT_APP_TYPES), openid: held.identity.openid, unionid: held.identity.unionid };
  }

  /** Spends the ticket for nothing: it was presented by someone it is not good for. */
  async burn(signupTicket: string): Promise<void> {
    if (TICKET_PATTERN.test(signupTicket)) await this.tickets.spend(hashTicket(signupTicket));
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

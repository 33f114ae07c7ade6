import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppError } from '../../core/errors/app-error';
import { LoginEventsRepository } from '../login-events/login-events.repository';
import { LoginService } from '../login.service';
import { ClientInfo } from '../../sessions/session.service';
import { TokenPair } from '../../sessions/token-pair';
import { AuthUser } from '../../tokens/auth-user';
import { VerifiedWechatIdentity } from '../../users/wechat-profile';
import { WechatAppRegistry } from '../../wechat/apps/wechat-app-registry';
import { OAUTH_APP_TYPES } from '../../wechat/apps/wechat-app';
import { BindTicketsRepository } from './bind-tickets.repository';
import { LoginTicketsRepository, NewLoginTicket } from './login-tickets.repository';
import { SignupTickets } from '../sign-up/signup-tickets.service';
import { hashTicket, TICKET_PATTERN, verifierMatches } from './ticket-hash';

export interface HandOffTicket {
  ticket: string;
  expiresIn: number;
}

export const TICKET_TTL_SECONDS = 60;
const PURGE_EVERY_MS = 60_000;

/**
 * One-time login tickets: how a browser flow that ends in a redirect gets
 * its tokens without ever putting them in a URL. The ticket travels in the
 * fragment and is traded once, within a minute, for a token pair.
 */
@Injectable()
export class LoginTicketService implements OnModuleDestroy {
  private readonly logger = new Logger(LoginTicketService.name);
  private readonly purgeTimer = setInterval(
    () =>
      void Promise.all([this.tickets.purgeExpired(), this.bindTickets.purgeExpired(), this.signUps.purgeExpired()]).catch((error: Error) =>
        this.logger.warn(`Could not purge expired tickets: ${error.message}`),
      ),
    PURGE_EVERY_MS,
  ).unref();

  constructor(
    private readonly tickets: LoginTicketsRepository,
    private readonly logins: LoginService,
    private readonly events: LoginEventsRepository,
    private readonly bindTickets: BindTicketsRepository,
    private readonly apps: WechatAppRegistry,
    private readonly signUps: SignupTickets,
  ) {}

  async issue(ticket: NewLoginTicket): Promise<string> {
    const value = randomBytes(32).toString('base64url');
    await this.tickets.create(hashTicket(value), ticket, TICKET_TTL_SECONDS);
    return value;
  }

  /**
   * A ticket for the signed-in caller, so a page it opens (an H5 page in a
   * Mini Program's web-view) signs in as the same user with its own session.
   * It is good only while the caller's session is live: logging out
   * everywhere, an admin ending the sessions or disabling the user also
   * stops a ticket still pending.
   */
  async handOff(caller: AuthUser): Promise<HandOffTicket> {
    const identity = await this.tickets.handOffIdentity(caller.id, caller.sessionId);
    if (!identity) throw new AppError('session_revoked', 'This account no longer exists. Sign in again.');
    // The page's session inherits the sign-in time: a hand-off must not make a stolen token look like a fresh sign-in.
    const authenticatedAt = new Date((caller.authTime ?? 0) * 1000);
    const ticket = await this.issue({ ...identity, isNew: false, authenticatedAt, issuerSessionId: caller.sessionId });
    return { ticket, expiresIn: TICKET_TTL_SECONDS };
  }

  /**
   * A one-time ticket for the session that started a bind, holding what
   * WeChat said about the identity: nothing is bound until that session confirms.
   */
  async issueBind(sessionId: string, verified: VerifiedWechatIdentity): Promise<string> {
    const value = randomBytes(32).toString('base64url');
    const identity = { openid: verified.openid, unionid: verified.unionid ?? null, profile: verified.profile };
    await this.bindTickets.create(hashTicket(value), sessionId, verified.app.key, identity, TICKET_TTL_SECONDS);
    return value;
  }

  /** Binds the ticket's identity to the caller, if the caller's session is the one that started the bind and is still live. */
  async confirmBind(caller: AuthUser, bindTicket: string, client: ClientInfo): Promise<void> {
    const spent = TICKET_PATTERN.test(bindTicket) ? await this.bindTickets.spend(hashTicket(bindTicket), caller.sessionId) : null;
    const attempt = { kind: 'bind', appKey: spent?.appKey ?? null, client };
    await this.logins.bind(caller.id, attempt, async () => {
      if (!spent) throw new AppError('ticket_invalid', 'The bind ticket is unknown, used, expired or not for this session.');
      return { app: this.apps.resolve(spent.appKey, OAUTH_APP_TYPES), openid: spent.identity.openid, unionid: spent.identity.unionid, profile: spent.identity.profile };
    });
  }

  /**
   * Trades a ticket for a token pair, once. A browser login's ticket needs the
   * verifier whose SHA-256 its login started with: a ticket carried into
   * another browser (login CSRF) is refused there, and spent for nobody. A
   * hand-off ticket opens a session only while the session that asked for it
   * is live; else it is spent for nobody too.
   */
  async redeem(ticket: string, client: ClientInfo, verifier?: string): Promise<TokenPair> {
    const spent = TICKET_PATTERN.test(ticket) ? await this.tickets.spend(hashTicket(ticket)) : null;
    try {
      if (!spent || !verifierMatches(spent.challenge, verifier)) throw new AppError('ticket_invalid');
      return await this.logins.openSession({
        identityId: spent.identityId,
        isNew: spent.isNew,
        appKey: spent.appKey,
        client,
        authenticatedAt: spent.authenticatedAt,
        handedOverBy: spent.issuerSessionId,
      });
    } catch (error) {
      if (error instanceof AppError && error.code === 'ticket_invalid') await this.recordRefusal(client);
      throw error;
    }
  }

  private async recordRefusal(client: ClientInfo): Promise<void> {
    await this.events
      .record({ kind: 'ticket', result: 'failure', errorCode: 'ticket_invalid', ip: client.ip, userAgent: client.userAgent })
      .catch((error: Error) => this.logger.warn(`Could not record a login event: ${error.message}`));
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }
}

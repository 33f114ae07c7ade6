import { Injectable } from '@nestjs/common';
import { LoginService } from '../../login/login.service';
import { ClientInfo } from '../../sessions/session.service';
import { SessionsRepository } from '../../sessions/sessions.repository';
import { LoginTicketService } from '../../login/tickets/login-ticket.service';
import { AppError } from '../../core/errors/app-error';
import { WechatAuthConfig } from '../../options/wechat-auth-config';
import { OAUTH_APP_TYPES, WechatApp } from '../apps/wechat-app';
import { WechatAppRegistry } from '../apps/wechat-app-registry';
import { CodeExchangeService } from '../code-exchange/code-exchange.service';
import { WECHAT_CODE_PATTERN } from '../miniprogram/miniprogram-login.dto';
import { OAuthIdentityService } from './oauth-identity.service';
import { OAuthStateSigner, StateOwner } from './oauth-state';
import { AuthorizeQueryDto, CallbackQueryDto, OAuthScope } from './oauth.dto';
import { ReturnToPolicy } from './return-to';

const OFFICIAL_ACCOUNT_SCOPES: readonly OAuthScope[] = ['snsapi_base', 'snsapi_userinfo'];
// Some WeChat clients come back from a refusal with this instead of no code at all.
const DENIED_CODE = 'authdeny';

/**
 * Official Account (H5) and website (QR) login: the authorize redirect, and
 * the callback that turns WeChat's code into a one-time ticket for the
 * frontend. The callback URL comes from configuration, never from the request.
 */
@Injectable()
export class OAuthLoginService {
  private readonly publicBaseUrl: string;
  private readonly openBaseUrl: string;

  constructor(
    config: WechatAuthConfig,
    private readonly apps: WechatAppRegistry,
    private readonly identities: OAuthIdentityService,
    private readonly states: OAuthStateSigner,
    private readonly returnTos: ReturnToPolicy,
    private readonly codes: CodeExchangeService,
    private readonly logins: LoginService,
    private readonly tickets: LoginTicketService,
    private readonly sessions: SessionsRepository,
  ) {
    this.publicBaseUrl = config.oauth.publicBaseUrl;
    this.openBaseUrl = config.wechat.openBaseUrl.replace(/\/+$/, '');
  }

  /**
   * WeChat's authorize page (QR page for website apps) for this app, with a
   * fresh signed state. `authorizePath` is the path the browser reached us
   * at: the callback route sits beside it, under whatever global prefix or
   * RouterModule path the host mounted the module at.
   */
  authorizeUrl(appKey: string, query: { returnTo?: string; scope?: OAuthScope }, authorizePath: string, owner: StateOwner): string {
    const app = this.apps.resolve(appKey, OAUTH_APP_TYPES);
    const scope = this.scopeFor(app, query.scope);
    const returnTo = this.returnTos.check(query.returnTo ?? '/');
    const params = new URLSearchParams({
      appid: app.appid,
      redirect_uri: this.callbackUrl(app, returnTo, authorizePath),
      response_type: 'code',
      scope,
      state: this.states.sign(app, returnTo, owner),
    });
    const page = app.type === 'website' ? '/connect/qrconnect' : '/connect/oauth2/authorize';
    return `${this.openBaseUrl}${page}?${params.toString()}#wechat_redirect`;
  }

  /**
   * The one "Sign in with WeChat" entry: inside WeChat's browser the Official
   * Account's authorization (qrconnect is refused there), elsewhere the
   * website's QR page. `entryPath` is the path the browser reached the entry at.
   */
  entryUrl(query: AuthorizeQueryDto, userAgent: string | undefined, entryPath: string): string {
    const insideWechat = /MicroMessenger/i.test(userAgent ?? '');
    const app = this.apps.resolve(undefined, insideWechat ? ['official_account'] : ['website']);
    const scope = insideWechat ? query.scope : undefined;
    // '<prefix>/auth/wechat/oauth/authorize' → '<prefix>/auth/wechat/oauth/<app>/authorize': the callback sits beside it.
    const authorizePath = entryPath.split('?')[0].replace(/\/authorize\/?$/, `/${encodeURIComponent(app.key)}/authorize`);
    return this.authorizeUrl(app.key, { ...query, scope }, authorizePath, { challenge: Buffer.from(query.challenge, 'base64url') });
  }

  /**
   * Where the browser goes after WeChat's callback: returnTo with #ticket=
   * (a login) or #bindTicket= (a bind), or with #error= once the state is
   * known good. A bad state is thrown, and so is a bind whose session ended.
   */
  async callback(appKey: string, query: CallbackQueryDto, client: ClientInfo): Promise<string> {
    const app = this.apps.resolve(appKey, OAUTH_APP_TYPES);
    const returnTo = query.returnTo ?? '';
    const state = this.states.verify(query.state, app, returnTo);
    this.returnTos.check(returnTo);
    if (state.bindSessionId && !(await this.sessions.isActive(state.bindSessionId))) {
      throw new AppError('state_invalid', 'The session that started this bind has ended. Sign in and start again.');
    }
    const verify = () => {
      const code = query.code;
      if (!code || code === DENIED_CODE) throw new AppError('authorization_denied');
      if (code.length < 8 || code.length > 128 || !WECHAT_CODE_PATTERN.test(code)) throw new AppError('invalid_request', 'The code is malformed.');
      return this.codes.exchange({ app, code, stateNonce: state.nonce, clientIp: client.ip }, () => this.identities.identify(app, code));
    };
    try {
      if (state.bindSessionId) return `${returnTo}#bindTicket=${await this.tickets.issueBind(state.bindSessionId, await verify())}`;
      const resolved = await this.logins.identify({ kind: app.type, appKey: app.key, client, challenge: state.challenge }, verify);
      if ('signupTicket' in resolved) return `${returnTo}#signupTicket=${resolved.signupTicket}&next=phone`;
      const ticket = await this.tickets.issue({ identityId: resolved.identity.id, appKey: app.key, isNew: resolved.isNew, challenge: state.challenge });
      return `${returnTo}#ticket=${ticket}`;
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'state_invalid') throw error;
      return `${returnTo}#error=${error.code}`;
    }
  }

  private scopeFor(app: WechatApp, requested: OAuthScope | undefined): OAuthScope {
    if (app.type === 'website') {
      if (requested && requested !== 'snsapi_login') throw new AppError('invalid_request', 'Website apps log in with scope snsapi_login.');
      return 'snsapi_login';
    }
    const scope = requested ?? 'snsapi_base';
    if (!OFFICIAL_ACCOUNT_SCOPES.includes(scope)) throw new AppError('invalid_request', 'Official Accounts use scope snsapi_base or snsapi_userinfo.');
    return scope;
  }

  /** Only the route's path comes from the request; scheme and host are always the configured public base URL. */
  private callbackUrl(app: WechatApp, returnTo: string, authorizePath: string): string {
    // '<prefix>/auth/wechat/oauth/<app>/authorize' → '<prefix>/auth/wechat/oauth'
    const routeBase = authorizePath.split('?')[0].replace(/\/+$/, '').split('/').slice(0, -2).join('/');
    return `${this.publicBaseUrl}${routeBase}/${encodeURIComponent(app.key)}/callback?${new URLSearchParams({ returnTo }).toString()}`;
  }
}

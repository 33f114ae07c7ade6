import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { Public } from '../wechat-auth/tokens/decorators/public.decorator';
import { AppConfig } from '../app/config/app-config';
import { WechatAppType } from '../wechat-auth/wechat/apps/wechat-app';
import { SandboxOAuthWorld } from './sandbox-oauth-world';
import { PersonaDto } from './sandbox-oauth.dto';
import { SandboxResponder } from './sandbox-responder';
import { WechatQuery } from './sandbox-wechat.controller';
import { SandboxWorld, WechatAnswer, wechatErrorAnswer } from './sandbox-world';

interface AuthorizePage {
  path: '/connect/oauth2/authorize' | '/connect/qrconnect';
  appType: WechatAppType;
  scopes: readonly string[];
}

const OFFICIAL_ACCOUNT_PAGE: AuthorizePage = { path: '/connect/oauth2/authorize', appType: 'official_account', scopes: ['snsapi_base', 'snsapi_userinfo'] };
const QR_PAGE: AuthorizePage = { path: '/connect/qrconnect', appType: 'website', scopes: ['snsapi_login'] };

const AUTHORIZE_ERRORS: Record<number, string> = {
  10003: 'redirect_uri domain mismatch',
  10005: 'scope not permitted',
  10010: 'scope empty',
  10011: 'redirect_uri empty',
  10012: 'appid empty',
  10013: 'state empty',
  10016: 'appid not allowed on this page',
};

/** An answer of the sandbox's world, or WeChat's full error answer for its errcode. */
function asWechatAnswer(answer: WechatAnswer): WechatAnswer {
  return typeof answer.errcode === 'number' && answer.errcode !== 0 ? wechatErrorAnswer(answer.errcode) : answer;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * WeChat's web authorization: the browser pages (consent as a persona, or
 * refusal) and the server APIs behind them, answered as WeChat answers.
 */
@ApiTags('sandbox')
@Public()
@Controller('sandbox')
export class SandboxOAuthController {
  private readonly redirectHost: string;

  constructor(
    config: AppConfig,
    private readonly world: SandboxWorld,
    private readonly oauth: SandboxOAuthWorld,
    private readonly responder: SandboxResponder,
  ) {
    // The domain an app registers at WeChat for its callbacks: this service's public host.
    this.redirectHost = new URL(config.oauth.publicBaseUrl).hostname;
  }

  @Post('personas')
  @HttpCode(204)
  persona(@Body() body: PersonaDto): void {
    this.oauth.setPersona(body.user, { snapshotUser: body.snapshotUser, nickname: body.nickname });
    if (body.unionidWithheld !== undefined) this.world.withholdUnionid(body.user, body.unionidWithheld);
  }

  @ApiExcludeEndpoint()
  @Get('connect/oauth2/authorize')
  authorize(@Query() query: WechatQuery, @Res() res: unknown): void {
    this.authorizePage(OFFICIAL_ACCOUNT_PAGE, query, res);
  }

  @ApiExcludeEndpoint()
  @Get('connect/qrconnect')
  qrconnect(@Query() query: WechatQuery, @Res() res: unknown): void {
    this.authorizePage(QR_PAGE, query, res);
  }

  @ApiExcludeEndpoint()
  @Get('sns/oauth2/access_token')
  async accessToken(@Query() query: WechatQuery, @Res() res: unknown): Promise<void> {
    await this.responder.answer('/sns/oauth2/access_token', res, () => {
      const credentials = this.world.credentialsError(query.appid, query.secret);
      if (credentials) return wechatErrorAnswer(credentials);
      if (this.world.app(query.appid!)!.type === 'miniprogram') return wechatErrorAnswer(40013);
      if (!query.code) return wechatErrorAnswer(41008);
      return asWechatAnswer(this.oauth.exchangeCode(query.appid!, query.code));
    });
  }

  @ApiExcludeEndpoint()
  @Get('sns/oauth2/refresh_token')
  async refreshToken(@Query() query: WechatQuery, @Res() res: unknown): Promise<void> {
    await this.responder.answer('/sns/oauth2/refresh_token', res, () => {
      if (!query.appid) return wechatErrorAnswer(41002);
      if (!this.world.app(query.appid)) return wechatErrorAnswer(40013);
      return asWechatAnswer(this.oauth.refresh(query.appid, query.refresh_token ?? ''));
    });
  }

  @ApiExcludeEndpoint()
  @Get('sns/userinfo')
  async userinfo(@Query() query: WechatQuery, @Res() res: unknown): Promise<void> {
    await this.responder.answer('/sns/userinfo', res, () => {
      const grant = this.oauth.grantFor(query.access_token, query.openid);
      return asWechatAnswer('errcode' in grant ? grant : this.oauth.userinfo(grant));
    });
  }

  @ApiExcludeEndpoint()
  @Get('sns/auth')
  async auth(@Query() query: WechatQuery, @Res() res: unknown): Promise<void> {
    await this.responder.answer('/sns/auth', res, () => {
      const grant = this.oauth.grantFor(query.access_token, query.openid);
      return 'errcode' in grant ? asWechatAnswer(grant) : { errcode: 0, errmsg: 'ok' };
    });
  }

  private authorizePage(page: AuthorizePage, query: WechatQuery, res: unknown): void {
    const problem = this.authorizeProblem(page, query);
    if (problem) {
      this.responder.send(res, 200, 'text/html', `<!doctype html><title>WeChat</title><p>errcode=${problem}: ${AUTHORIZE_ERRORS[problem]}</p>`);
      return;
    }
    const back = new URL(query.redirect_uri!);
    if (query.deny === '1') {
      back.searchParams.set('state', query.state!);
      this.responder.redirect(res, back.toString());
      return;
    }
    if (!query.user) {
      this.responder.send(res, 200, 'text/html', this.consentPage(page, query));
      return;
    }
    back.searchParams.set('code', this.oauth.issueCode(this.world.app(query.appid!)!, query.user, query.scope!));
    back.searchParams.set('state', query.state!);
    this.responder.redirect(res, back.toString());
  }

  private authorizeProblem(page: AuthorizePage, query: WechatQuery): number | undefined {
    if (!query.appid) return 10012;
    const app = this.world.app(query.appid);
    if (!app || app.type !== page.appType) return 10016;
    if (!query.redirect_uri) return 10011;
    let host: string;
    try {
      host = new URL(query.redirect_uri).hostname;
    } catch {
      return 10003;
    }
    if (host !== this.redirectHost) return 10003;
    if (!query.scope) return 10010;
    if (!page.scopes.includes(query.scope)) return 10005;
    if (!query.state) return 10013;
    return undefined;
  }

  /** What the phone shows: whose WeChat is this, and allow or refuse. */
  private consentPage(page: AuthorizePage, query: WechatQuery): string {
    const hidden = ['appid', 'redirect_uri', 'response_type', 'scope', 'state']
      .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(query[name] ?? '')}">`)
      .join('');
    return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>WeChat sandbox: authorize</title></head><body>
<h1>WeChat sandbox</h1><p>${escapeHtml(this.world.app(query.appid!)!.key)} asks to sign you in (${escapeHtml(query.scope!)}).</p>
<form method="get" action="/sandbox${page.path}">${hidden}
<label>Persona <input name="user" id="user" required value="alice"></label>
<button type="submit" id="allow">Allow</button>
<button type="submit" id="deny" name="deny" value="1" formnovalidate>Deny</button>
</form></body></html>`;
  }
}

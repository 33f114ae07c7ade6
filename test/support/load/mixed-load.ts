/**
 * A mixed load on several instances, run as its own process: virtual users
 * log in (new and returning personas, through the Mini Program, the Official
 * Account H5 page and the website QR page), refresh, call guarded routes and
 * log out, spread round-robin over the instances, for a fixed time. A persona
 * is one person across the three apps, so every login of it must land on one
 * user. It prints one JSON report on stdout.
 *
 * Usage: mixed-load <sandboxUrl> <seconds> <virtualUsers> <instanceUrl>...
 */
import { randomUUID } from 'node:crypto';
import { pkce } from '../pkce';

export interface LoadReport {
  requests: number;
  byStatus: Record<string, number>;
  serverErrors: Array<{ path: string; status: number; body: string }>;
  /** Personas that got two different user ids: a duplicate user. */
  personasWithTwoUsers: string[];
  personas: Record<string, string>;
  refreshes: number;
  inconsistentRefreshes: string[];
  logouts: number;
  failedLogins: string[];
}

const [sandboxUrl, secondsText, usersText, ...instances] = process.argv.slice(2);
const deadline = Date.now() + Number(secondsText) * 1000;
const MINIPROGRAM_APPID = 'wxd000000000000001';
const report: LoadReport = { requests: 0, byStatus: {}, serverErrors: [], personasWithTwoUsers: [], personas: {}, refreshes: 0, inconsistentRefreshes: [], logouts: 0, failedLogins: [] };
let next = 0;

async function call(
  path: string,
  init: { body?: object; token?: string } = {},
  base?: string,
): Promise<{ status: number; body: Record<string, unknown>; location: string }> {
  const url = path.startsWith('http') ? path : `${base ?? instances[next++ % instances.length]}${path}`;
  const headers: Record<string, string> = {};
  if (init.body) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const response = await fetch(url, {
    method: init.body || path.endsWith('logout') ? 'POST' : 'GET',
    headers,
    body: init.body ? JSON.stringify(init.body) : undefined,
    redirect: 'manual',
  });
  const text = await response.text();
  report.requests++;
  report.byStatus[response.status] = (report.byStatus[response.status] ?? 0) + 1;
  if (response.status >= 500) report.serverErrors.push({ path: url.replace(/\?.*/, ''), status: response.status, body: text.slice(0, 200) });
  const json = response.headers.get('content-type')?.includes('json') && text ? (JSON.parse(text) as Record<string, unknown>) : {};
  return { status: response.status, body: json, location: response.headers.get('location') ?? '' };
}

interface Session {
  persona: string;
  accessToken: string;
  refreshToken: string;
}

/** What a phone's browser does for an H5 or QR login: our authorize, WeChat's page, our callback, then the ticket. */
async function oauthPair(persona: string, appKey: string): Promise<{ status: number; body: Record<string, unknown> }> {
  // snsapi_userinfo, so WeChat names the person (unionid) and every login of a persona must find one user.
  const { verifier, challenge } = pkce();
  const scope = appKey === 'demo-website' ? 'snsapi_login' : 'snsapi_userinfo';
  const authorize = await call(`/auth/wechat/oauth/${appKey}/authorize?returnTo=/after-login&scope=${scope}&challenge=${challenge}`);
  const page = new URL(authorize.location.split('#')[0]);
  page.searchParams.set('user', persona);
  const consent = await call(page.toString());
  const callback = await call(consent.location);
  const ticket = new URLSearchParams(callback.location.split('#')[1] ?? '').get('ticket');
  if (!ticket) return { status: callback.status, body: { location: callback.location } };
  return call('/auth/ticket', { body: { ticket, verifier } });
}

async function miniProgramPair(persona: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const { body: issued } = await call('/wx.login', { body: { appid: MINIPROGRAM_APPID, user: persona } }, sandboxUrl);
  return call('/auth/wechat/miniprogram/login', { body: { code: issued.code } });
}

/** A login of `persona` through one of the three app types, all bound to one Open Platform account. */
async function login(persona: string): Promise<Session | undefined> {
  const roll = Math.random();
  const { status, body } = roll < 0.6 ? await miniProgramPair(persona) : await oauthPair(persona, roll < 0.8 ? 'demo-official-account' : 'demo-website');
  if (status !== 200) {
    report.failedLogins.push(`${status} ${JSON.stringify(body).slice(0, 160)}`);
    return undefined;
  }
  const userId = (body.user as { id: string }).id;
  const known = report.personas[persona];
  if (known && known !== userId && !report.personasWithTwoUsers.includes(persona)) report.personasWithTwoUsers.push(persona);
  report.personas[persona] = known ?? userId;
  return { persona, accessToken: body.accessToken as string, refreshToken: body.refreshToken as string };
}

async function refresh(session: Session): Promise<void> {
  const { status, body } = await call('/auth/refresh', { body: { refreshToken: session.refreshToken } });
  report.refreshes++;
  if (status !== 200 || body.refreshToken === session.refreshToken || (body.user as { id?: string })?.id !== report.personas[session.persona]) {
    report.inconsistentRefreshes.push(`${status} ${JSON.stringify(body).slice(0, 120)}`);
    return;
  }
  session.accessToken = body.accessToken as string;
  session.refreshToken = body.refreshToken as string;
}

/** One virtual user: mostly guarded calls and refreshes, sometimes a new persona, a return, or a logout. */
async function virtualUser(): Promise<void> {
  const ownPersonas: string[] = [];
  let session: Session | undefined;
  while (Date.now() < deadline) {
    const roll = Math.random();
    if (!session || roll < 0.1) {
      const persona = ownPersonas.length > 0 && roll < 0.05 ? ownPersonas[Math.floor(Math.random() * ownPersonas.length)] : `load-${randomUUID()}`;
      if (!ownPersonas.includes(persona)) ownPersonas.push(persona);
      session = await login(persona);
    } else if (roll < 0.3) {
      await refresh(session);
    } else if (roll < 0.35) {
      await call('/auth/logout', { token: session.accessToken });
      report.logouts++;
      session = undefined;
    } else {
      await call(roll < 0.7 ? '/greetings' : '/auth/me', { token: session.accessToken });
    }
  }
}

void Promise.all(Array.from({ length: Number(usersText) }, virtualUser)).then(() => process.stdout.write(JSON.stringify(report)));

import request from 'supertest';
import { pkce } from './pkce';
import { DEMO_APPS } from '../../src/sandbox/demo-apps';
import { PersonaDto } from '../../src/sandbox/sandbox-oauth.dto';
import { TestApp, TokenPairBody } from './test-app';

export const OFFICIAL_ACCOUNT = DEMO_APPS.find((app) => app.type === 'official_account')!;
export const WEBSITE = DEMO_APPS.find((app) => app.type === 'website')!;

export { pkce };

// The verifier of the browser each ticket came back to, as that browser's sessionStorage would hold it.
const verifiers = new Map<string, string>();

/** Remembers which verifier goes with a ticket a test got from a callback it drove itself. */
export function rememberVerifier(ticket: string | null | undefined, verifier: string): void {
  if (ticket) verifiers.set(ticket, verifier);
}

export interface OAuthJourney {
  /** Where our authorize endpoint sent the browser (WeChat's page, with #wechat_redirect). */
  authorizeLocation: string;
  /** The callback URL WeChat sent the browser to (code and state in it). */
  callbackUrl: string;
  /** The callback's answer. */
  callback: request.Response;
  /** Parsed from the callback's Location fragment. */
  ticket?: string;
  /** The verifier the browser started with: the ticket is good only with it. */
  verifier: string;
  error?: string;
}

export interface OAuthLoginOptions {
  app?: string;
  scope?: string;
  returnTo?: string;
  deny?: boolean;
}

function fragmentParam(location: string, name: string): string | undefined {
  const hash = location.split('#')[1];
  return hash ? (new URLSearchParams(hash).get(name) ?? undefined) : undefined;
}

/** A path and query of an absolute URL on the test app, as supertest wants it. */
export function onApp(t: TestApp, url: string): string {
  const parsed = new URL(url, t.url);
  if (parsed.origin !== new URL(t.url).origin) throw new Error(`not on the test app: ${url}`);
  return parsed.pathname + parsed.search;
}

/**
 * What a browser does up to WeChat's redirect: our authorize endpoint, then
 * WeChat's page (consent as persona `user`, or refusal). The callback URL is
 * not followed: it is what an attacker would send someone as a link.
 */
export async function oauthConsent(t: TestApp, user: string, options: OAuthLoginOptions = {}): Promise<Pick<OAuthJourney, 'authorizeLocation' | 'callbackUrl' | 'verifier'>> {
  const { verifier, challenge } = pkce();
  const query: Record<string, string> = { returnTo: options.returnTo ?? '/after-login', challenge };
  if (options.scope) query.scope = options.scope;
  const authorize = await t.http.get(`/auth/wechat/oauth/${options.app ?? OFFICIAL_ACCOUNT.key}/authorize`).query(query).expect(302);
  const authorizeLocation = authorize.headers.location as string;
  // Browsers never send the fragment; the persona (or refusal) is what the phone adds.
  const page = new URL(authorizeLocation.split('#')[0]);
  if (options.deny) page.searchParams.set('deny', '1');
  else page.searchParams.set('user', user);
  const consent = await t.http.get(onApp(t, page.toString())).expect(302);
  return { authorizeLocation, callbackUrl: consent.headers.location as string, verifier };
}

/** What a browser does: oauthConsent, then WeChat's redirect to our callback. */
export async function oauthJourney(t: TestApp, user: string, options: OAuthLoginOptions = {}): Promise<OAuthJourney> {
  const { authorizeLocation, callbackUrl, verifier } = await oauthConsent(t, user, options);
  const callback = await t.http.get(onApp(t, callbackUrl));
  const location = (callback.headers.location as string | undefined) ?? '';
  const ticket = fragmentParam(location, 'ticket');
  rememberVerifier(ticket, verifier);
  return { authorizeLocation, callbackUrl, callback, ticket, verifier, error: fragmentParam(location, 'error') };
}

/** POST /auth/ticket as the browser that holds the ticket does: with its verifier, when its login had one. */
export function ticketBody(ticket: string): { ticket: string; verifier?: string } {
  const verifier = verifiers.get(ticket);
  return verifier ? { ticket, verifier } : { ticket };
}

/** Trades a ticket as its browser does; `verifier` for a ticket of a callback the test followed itself. */
export async function redeemTicket(t: TestApp, ticket: string, verifier?: string): Promise<TokenPairBody> {
  const body = verifier ? { ticket, verifier } : ticketBody(ticket);
  return (await t.http.post('/auth/ticket').send(body).expect(200)).body as TokenPairBody;
}

/** The whole H5 / QR login of persona `user`, to the token pair. */
export async function oauthLogin(t: TestApp, user: string, options: OAuthLoginOptions = {}): Promise<TokenPairBody> {
  const journey = await oauthJourney(t, user, options);
  if (!journey.ticket) throw new Error(`no ticket: ${journey.callback.status} ${journey.callback.headers.location ?? journey.callback.text}`);
  return redeemTicket(t, journey.ticket);
}

export async function setPersona(t: TestApp, persona: PersonaDto): Promise<void> {
  await t.http.post('/sandbox/personas').send(persona).expect(204);
}

import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { SandboxWorld } from './sandbox-world';

const TOKEN_LIFETIME_MS = 7200 * 1000;
/** How long a token replaced through cgi-bin/token keeps working: WeChat's smooth hand-over. */
export const REPLACED_TOKEN_GRACE_MS = 5 * 60 * 1000;
/**
 * In its last five minutes, a stable token is renewed by a normal-mode call and
 * the old one lives out its time. WeChat documents only that normal mode keeps
 * the token while it is valid; our manager copes with either reading.
 */
const STABLE_RENEWAL_WINDOW_MS = 5 * 60 * 1000;

/** WeChat refreshes a stable token by force at most once per 30 seconds and 20 times a day per app. */
const FORCE_REFRESH_SPACING_MS = 30 * 1000;
const FORCE_REFRESHES_PER_DAY = 20;
const DAY_MS = 24 * 3600 * 1000;
const DAILY_QUOTA_REACHED = 45009;

type Family = 'token' | 'stable';

interface IssuedToken {
  appid: string;
  expiresAt: number;
  /** When a newer token replaced this one for good (WeChat then answers 40001, not 42001). */
  revokedAt?: number;
}

export type GrantedToken = {
  access_token: string;
  expires_in: number;
};

/**
 * WeChat's app access_tokens. `cgi-bin/token` and `cgi-bin/stable_token` are
 * separate families that never touch each other: every cgi-bin/token call
 * replaces the previous token (which lives five more minutes), while a stable
 * token is handed out again and again until it nears its end or is force-refreshed.
 */
@Injectable()
export class SandboxAppTokens {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly latest = new Map<string, string>();
  /** When each app's stable token was last force-refreshed, over the last day. */
  private readonly forcedRefreshes = new Map<string, number[]>();

  constructor(private readonly world: SandboxWorld) {}

  /** cgi-bin/token: a new token each call. */
  replace(appid: string): GrantedToken {
    const previous = this.current('token', appid);
    if (previous) this.revoke(previous, this.world.now() + REPLACED_TOKEN_GRACE_MS);
    return this.issue('token', appid);
  }

  /**
   * cgi-bin/stable_token: the same token while it is far from its end; a
   * forced refresh kills it at once, but only once per 30 seconds (a second
   * one answers the current token) and 20 times a day (then 45009).
   */
  stable(appid: string, forceRefresh: boolean): GrantedToken | { errcode: number } {
    const now = this.world.now();
    const current = this.current('stable', appid);
    if (forceRefresh) {
      const today = (this.forcedRefreshes.get(appid) ?? []).filter((at) => now - at < DAY_MS);
      const last = today[today.length - 1];
      if (last === undefined || now - last >= FORCE_REFRESH_SPACING_MS) {
        if (today.length >= FORCE_REFRESHES_PER_DAY) return { errcode: DAILY_QUOTA_REACHED };
        this.forcedRefreshes.set(appid, [...today, now]);
        if (current) this.revoke(current, now);
      }
    }
    if (current && !this.revoked(current, now) && current.expiresAt - now > STABLE_RENEWAL_WINDOW_MS) {
      return { access_token: this.latest.get(`stable:${appid}`)!, expires_in: Math.floor((current.expiresAt - now) / 1000) };
    }
    return this.issue('stable', appid);
  }

  /** The app a live token belongs to, or WeChat's errcode: 42001 once it has expired, 40001 for anything else. */
  check(token: string): { appid: string } | { errcode: number } {
    const issued = this.tokens.get(token);
    const now = this.world.now();
    if (!issued || this.revoked(issued, now)) return { errcode: 40001 };
    return now < issued.expiresAt ? { appid: issued.appid } : { errcode: 42001 };
  }

  /** What another system's force_refresh does to us: the stable token we hold stops working at once. */
  invalidateStable(appid: string): void {
    const current = this.current('stable', appid);
    if (current) this.revoke(current, this.world.now());
  }

  /** Leaves the current stable token `seconds` to live, as if it had been issued long ago. */
  ageStable(appid: string, seconds: number): boolean {
    const current = this.current('stable', appid);
    if (!current) return false;
    current.expiresAt = Math.min(current.expiresAt, this.world.now() + seconds * 1000);
    return true;
  }

  private revoke(token: IssuedToken, at: number): void {
    token.revokedAt = Math.min(token.revokedAt ?? at, at);
  }

  private revoked(token: IssuedToken, now: number): boolean {
    return token.revokedAt !== undefined && now >= token.revokedAt;
  }

  private current(family: Family, appid: string): IssuedToken | undefined {
    const token = this.latest.get(`${family}:${appid}`);
    return token ? this.tokens.get(token) : undefined;
  }

  private issue(family: Family, appid: string): GrantedToken {
    // Real tokens are long opaque strings (WeChat says to reserve 512 characters).
    const token = randomBytes(96).toString('base64url');
    this.tokens.set(token, { appid, expiresAt: this.world.now() + TOKEN_LIFETIME_MS });
    this.latest.set(`${family}:${appid}`, token);
    return { access_token: token, expires_in: TOKEN_LIFETIME_MS / 1000 };
  }
}

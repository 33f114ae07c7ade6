import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../../core/errors/app-error';
import { WechatApp } from '../apps/wechat-app';
import { WechatApiClient } from '../api/wechat-api.client';
import { WechatApiError } from '../api/wechat-errors';
import { AppAccessTokenRepository, AppTokenStore, CachedAppToken } from './app-access-token.repository';

/** Start asking for the next token this long before the current one ends (WeChat's own five-minute hand-over). */
const RENEWAL_WINDOW_MS = 5 * 60 * 1000;
/** Normal mode may hand back the same token, already inside that window: then ask again no sooner than this. */
const RENEWAL_RETRY_MS = 60 * 1000;
/** A token closer than this to its end may die in flight: callers wait for the next one instead. */
const SAFETY_MARGIN_MS = 10 * 1000;
/** WeChat's "this access_token is invalid / expired": the token must be replaced, not the request failed. */
const TOKEN_REJECTED = new Set([40001, 40014, 42001]);

function usable(cached: CachedAppToken, now = Date.now()): boolean {
  return cached.expiresAt.getTime() - SAFETY_MARGIN_MS > now;
}

/**
 * One app access_token per app for all instances. The token lives in
 * PostgreSQL; the instance that finds it due takes the app's lock, looks
 * again, and only then asks WeChat (stable_token, normal mode), so a burst
 * across many instances costs one upstream call. A token WeChat refuses is
 * replaced through the same lock, and only if it is still the one refused.
 */
@Injectable()
export class AppAccessTokens {
  private readonly logger = new Logger(AppAccessTokens.name);
  /** Lock work already under way in this instance: its other callers share it instead of each holding a connection in the queue. */
  private readonly inFlight = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly repository: AppAccessTokenRepository,
    private readonly wechat: WechatApiClient,
  ) {}

  /** Calls `use` with the app's token; when WeChat refuses the token, replaces it and tries once more. */
  async withToken<T>(app: WechatApp, use: (token: string) => Promise<T>): Promise<T> {
    const token = await this.current(app);
    try {
      return await use(token);
    } catch (error) {
      if (!(error instanceof WechatApiError && TOKEN_REJECTED.has(error.errcode))) throw error;
      this.logger.log(`WeChat refused the access_token of ${app.appid} (errcode ${error.errcode}); replacing it`);
      return use(await this.replaceRefused(app, token));
    }
  }

  /** Kills the current token at WeChat and stores the next one: for a token that leaked, on an operator's explicit request only. */
  async forceRefresh(app: WechatApp): Promise<void> {
    await this.repository.underLock(app.appid, true, (store) => this.fetch(app, store, true));
  }

  private async current(app: WechatApp): Promise<string> {
    const cached = await this.repository.read(app.appid);
    if (cached && Date.now() < cached.refreshAfter.getTime() && usable(cached)) return cached.token;
    const renew = (wait: boolean) =>
      this.shared(`renew:${app.appid}:${wait}`, () => this.repository.underLock(app.appid, wait, (store) => this.renew(app, store)));
    // Due but alive: one instance fetches the next token while the others keep using this one.
    if (cached && usable(cached)) return (await renew(false)) ?? cached.token;
    return (await renew(true))!;
  }

  private async renew(app: WechatApp, store: AppTokenStore): Promise<string> {
    // Look again under the lock: another instance may have renewed it while we waited.
    const cached = await store.read();
    if (cached && Date.now() < cached.refreshAfter.getTime() && usable(cached)) return cached.token;
    return this.fetch(app, store);
  }

  private async replaceRefused(app: WechatApp, refused: string): Promise<string> {
    const replacement = (cached: CachedAppToken | undefined) => (cached && cached.token !== refused && usable(cached) ? cached.token : undefined);
    // Most callers of a burst find another instance already replaced it, and need no lock.
    const settled = replacement(await this.repository.read(app.appid));
    if (settled) return settled;
    const work = () =>
      this.repository.underLock(app.appid, true, async (store) => {
        const replaced = replacement(await store.read());
        if (replaced) return replaced;
        const fresh = await this.fetch(app, store);
        if (fresh === refused) {
          this.logger.warn(`WeChat refused the access_token of ${app.appid} yet hands out the same one again`);
          throw new AppError('wechat_unavailable');
        }
        return fresh;
      });
    return (await this.shared(`replace:${app.appid}:${refused}`, work))!;
  }

  private shared(key: string, work: () => Promise<string | undefined>): Promise<string | undefined> {
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = work().finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async fetch(app: WechatApp, store: AppTokenStore, forceRefresh = false): Promise<string> {
    const granted = await this.wechat.stableToken(app, { forceRefresh });
    const now = Date.now();
    const lifetimeMs = granted.expiresInSeconds * 1000;
    await store.save({
      token: granted.accessToken,
      expiresAt: new Date(now + lifetimeMs),
      refreshAfter: new Date(now + Math.max(lifetimeMs - RENEWAL_WINDOW_MS, Math.min(RENEWAL_RETRY_MS, lifetimeMs / 2))),
    });
    return granted.accessToken;
  }
}

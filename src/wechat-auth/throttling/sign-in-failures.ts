import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { AppError } from '../core/errors/app-error';
import type { ErrorCode } from '../core/errors/error-codes';
import { WechatAuthConfig } from '../options/wechat-auth-config';
import { RefreshTokenCodec } from '../sessions/refresh-token-codec';
import { CodeExchangeSlots } from './code-exchange-slots';
import { addressKey, counterKey, SIGN_IN_THROTTLER_STORAGE, WINDOW_MS } from './throttling-keys';

/**
 * What an address's failures are counted against. `code`: WeChat codes that
 * WeChat (or our own record of used codes and states) refused: each spends
 * the app's WeChat quota or probes for a code. `token`: refresh tokens and
 * tickets nobody issued or that were already spent, which cost no WeChat call.
 * Refusals by validation (no WeChat call, no lookup) count against neither.
 */
export type FailureBudget = 'code' | 'token';

const BUDGET_OF: Partial<Record<ErrorCode, FailureBudget>> = {
  wechat_code_invalid: 'code',
  wechat_code_used: 'code',
  state_invalid: 'code',
  refresh_token_invalid: 'token',
  refresh_token_reused: 'token',
  ticket_invalid: 'token',
};

// Counts are forgotten when next checked; a sweep keeps addresses that never come back from piling up.
const SWEEP_ABOVE = 10_000;

type CredentialCarrier = { body?: unknown; query?: unknown; ip?: string };

function field(source: unknown, name: string): string | undefined {
  const value = typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The credential a request presents, for the per-credential throttler (hashed before it is stored). */
export function presentedCredential(req: CredentialCarrier): string | undefined {
  const { body, query } = req;
  return field(body, 'code') ?? field(body, 'refreshToken') ?? field(body, 'ticket') ?? field(body, 'bindTicket') ?? field(query, 'code');
}

function presentsCode(req: CredentialCarrier): boolean {
  return field(req.body, 'code') !== undefined || field(req.query, 'code') !== undefined;
}

/** Which budget a failed answer's error code counts against, if any. */
function failureBudgetOf(code: string | undefined): FailureBudget | undefined {
  return code === undefined ? undefined : BUDGET_OF[code as ErrorCode];
}

interface Known {
  failures: number;
  until: number;
}

/**
 * Failed sign-ins per client address (an IPv6 address per /64), counted in
 * the shared counters the moment a request's outcome is decided, before it is
 * answered: a client that hangs up cannot keep its failures from counting.
 *
 * What an address over a budget is refused, so that someone behind a shared
 * address (an office, a carrier's NAT) cannot lock the others out:
 * - over its `code` budget, any request presenting a WeChat code, before
 *   WeChat is asked: a valid code cannot be told from a bogus one without
 *   spending a call. Codes being exchanged count against the budget until
 *   they are answered: requests fired at once beyond what is left of it wait
 *   for those answers (CodeExchangeSlots), so a burst of bogus codes cannot
 *   slip past the budget and a burst of honest sign-ins is only delayed.
 * - over its `token` budget, only refresh tokens that do not bear our
 *   signature, before any counter or lookup. A signed refresh token, a
 *   ticket and every sign-in are served whatever others at the address sent.
 *
 * This instance learns an address's shared count at each failure it counts
 * there, so across N instances each learns of a block at its own next failure.
 */
@Injectable()
export class SignInFailures {
  private readonly limit: number;
  private readonly known = new Map<string, Known>();
  private readonly exchanging = new CodeExchangeSlots();

  constructor(
    @Inject(WechatAuthConfig) config: WechatAuthConfig,
    @Inject(SIGN_IN_THROTTLER_STORAGE) private readonly storage: ThrottlerStorage,
    @Inject(RefreshTokenCodec) private readonly refreshTokens: RefreshTokenCodec,
  ) {
    this.limit = config.throttling.failuresPerIpPerMinute;
  }

  /**
   * Refuses the request (rate_limited with Retry-After) when its address is
   * over the budget that gates it: any code over the code budget; over the
   * token budget, a refresh token without our signature (checked only then:
   * the refresh checks it again anyway).
   */
  refuseIfOver(req: CredentialCarrier): void {
    const address = addressKey(req.ip);
    if (presentsCode(req)) this.refuseAbove(this.key('code', address), 0);
    const refreshToken = field(req.body, 'refreshToken');
    const tokenBudget = this.key('token', address);
    if (refreshToken !== undefined && this.isSpent(tokenBudget) && this.refreshTokens.read(refreshToken) === null) this.refuseAbove(tokenBudget, 0);
  }

  /**
   * Runs a sign-in's work and counts its failure, if it fails, before its
   * answer is sent. `failureOf` reads a failure out of a result that is not
   * thrown (the OAuth callback's redirect to #error=).
   */
  async attempt<T>(req: CredentialCarrier, work: () => Promise<T>, failureOf: (result: T) => string | undefined = () => undefined): Promise<T> {
    const address = addressKey(req.ip);
    const codeBudget = presentsCode(req) ? this.key('code', address) : undefined;
    if (codeBudget) await this.exchanging.take(codeBudget, (inFlight) => this.refuseAbove(codeBudget, inFlight));
    try {
      const result = await work();
      await this.count(address, failureOf(result));
      return result;
    } catch (error) {
      if (error instanceof AppError) await this.count(address, error.code);
      throw error;
    } finally {
      if (codeBudget) this.exchanging.release(codeBudget);
    }
  }

  /**
   * Refuses (rate_limited with Retry-After) when the budget's known failures
   * have reached its limit; otherwise whether `pending` answers still to come
   * leave room for one more attempt.
   */
  private refuseAbove(budgetKey: string, pending: number): boolean {
    const known = this.current(budgetKey);
    if (known && known.failures >= this.limit) {
      throw new AppError('rate_limited', undefined, { 'Retry-After': String(Math.max(1, Math.ceil((known.until - Date.now()) / 1000))) });
    }
    return (known?.failures ?? 0) + pending < this.limit;
  }

  private isSpent(budgetKey: string): boolean {
    return (this.current(budgetKey)?.failures ?? 0) >= this.limit;
  }

  /** Counts a failure against its budget; a counter that cannot be reached loses it (the per-credential limit still holds). */
  private async count(address: string, code: string | undefined): Promise<void> {
    const budget = failureBudgetOf(code);
    if (budget === undefined) return;
    const counter = await this.storage.increment(counterKey(`${budget}-failure`, address), WINDOW_MS, this.limit, 0, `${budget}-failure`).catch(() => undefined);
    if (!counter) return;
    if (this.known.size >= SWEEP_ABOVE) this.forgetExpired();
    const key = this.key(budget, address);
    const previous = this.current(key);
    // Answers can come back out of order: keep the highest count of the window.
    if (!previous || counter.totalHits > previous.failures) this.known.set(key, { failures: counter.totalHits, until: Date.now() + counter.timeToExpire * 1000 });
  }

  private current(key: string): Known | undefined {
    const known = this.known.get(key);
    if (known && known.until > Date.now()) return known;
    if (known) this.known.delete(key);
    return undefined;
  }

  private key(budget: FailureBudget, address: string): string {
    return `${budget}:${address}`;
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [key, known] of this.known) if (known.until <= now) this.known.delete(key);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { ErrorCode } from '../core/errors/error-codes';
import { WechatAuthConfig } from '../options/wechat-auth-config';
import { counterKey, SIGN_IN_THROTTLER_STORAGE, WINDOW_MS } from './throttling-keys';

/**
 * Outcomes that cost something or probe for secrets: a code WeChat rejected
 * (each spends the app's quota), a token or ticket nobody issued, a forged
 * state. Refusals by validation (no WeChat call, no lookup) do not count.
 */
const FAILURES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'wechat_code_invalid',
  'wechat_code_used',
  'refresh_token_invalid',
  'refresh_token_reused',
  'ticket_invalid',
  'state_invalid',
]);

// Blocks are forgotten when next checked; a sweep keeps addresses that never come back from piling up.
const SWEEP_ABOVE = 10_000;

/** Where the module's exception filter leaves the code it answered with. */
export const ERROR_CODE_LOCAL = 'wechatAuthErrorCode';

/** What both platforms' responses (Express's, Fastify's reply) let the throttler read once a sign-in is answered. */
export interface AnsweredResponse {
  getHeader(name: string): unknown;
  raw?: import('node:http').ServerResponse;
}

/** The error a finished sign-in answered: the JSON error's code (left on the request by the filter), or an OAuth redirect's #error=. */
function errorCodeOf(req: object, res: AnsweredResponse): string | undefined {
  const fromFilter = (req as Record<string, unknown>)[ERROR_CODE_LOCAL] as string | undefined;
  const location = res.getHeader('location');
  return fromFilter ?? (typeof location === 'string' ? /#error=(\w+)/.exec(location)?.[1] : undefined);
}

/**
 * Counts failed sign-ins per client address in the shared counters. Once an
 * address reaches the limit, this instance refuses its sign-ins until the
 * window ends; another instance learns the same at that address's next
 * failure there, so across N instances at most N - 1 extra failures get through.
 */
@Injectable()
export class SignInFailures {
  private readonly limit: number;
  private readonly blockedUntil = new Map<string, number>();
  private readonly recording = new Map<string, Promise<void>>();

  constructor(
    @Inject(WechatAuthConfig) config: WechatAuthConfig,
    @Inject(SIGN_IN_THROTTLER_STORAGE) private readonly storage: ThrottlerStorage,
  ) {
    this.limit = config.throttling.failuresPerIpPerMinute;
  }

  /** Seconds until this address may sign in again; 0 when it may now. */
  async secondsBlocked(ip: string): Promise<number> {
    // The previous answer to this address may still be being counted: its client can be faster than our database.
    await this.recording.get(ip);
    const until = this.blockedUntil.get(ip);
    if (until === undefined) return 0;
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left > 0) return left;
    this.blockedUntil.delete(ip);
    return 0;
  }

  /** Counts the finished response against its address if it was a failure; never rejects. */
  recordOutcome(ip: string, req: object, res: AnsweredResponse): Promise<void> {
    if (!FAILURES.has(errorCodeOf(req, res) as ErrorCode)) return Promise.resolve();
    // A counter that cannot be reached loses this one failure; the per-credential limit still holds.
    const recording = this.countFailure(ip).catch(() => undefined).finally(() => {
      if (this.recording.get(ip) === recording) this.recording.delete(ip);
    });
    this.recording.set(ip, recording);
    return recording;
  }

  private async countFailure(ip: string): Promise<void> {
    await this.recording.get(ip);
    const counter = await this.storage.increment(counterKey('failure', ip), WINDOW_MS, this.limit, 0, 'failure');
    if (counter.totalHits < this.limit) return;
    if (this.blockedUntil.size >= SWEEP_ABOVE) this.forgetExpiredBlocks();
    this.blockedUntil.set(ip, Date.now() + counter.timeToExpire * 1000);
  }

  private forgetExpiredBlocks(): void {
    const now = Date.now();
    for (const [ip, until] of this.blockedUntil) if (until <= now) this.blockedUntil.delete(ip);
  }
}

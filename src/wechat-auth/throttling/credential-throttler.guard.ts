import { applyDecorators, ExecutionContext, Inject, Injectable, UseGuards, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerOptions, ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerLimitDetail } from '@nestjs/throttler/dist/throttler.guard.interface';
import type { HttpRequest } from '../core/http/http-request';
import { AppError } from '../core/errors/app-error';
import { WechatAuthConfig } from '../options/wechat-auth-config';
import { presentedCredential, SignInFailures } from './sign-in-failures';
import { SignInOutcomes } from './sign-in-outcomes.interceptor';
import { addressKey, counterKey, SIGN_IN_THROTTLER_STORAGE, WINDOW_MS } from './throttling-keys';

export { SIGN_IN_THROTTLER_STORAGE } from './throttling-keys';

/**
 * Throttles sign-in routes by what costs something: failures per client
 * address (see SignInFailures: an address over its budget is refused here,
 * before any counter or lookup), and attempts per credential (the code,
 * refresh token or ticket presented), so one leaked or guessed credential
 * cannot be hammered from many addresses either. Successful sign-ins from
 * one address are not limited unless the host sets a ceiling, since many
 * people share an address behind carrier-grade NAT or a proxy. It carries
 * its own limits and storage rather than reading ThrottlerModule's, so a
 * host with a throttler of its own keeps it untouched.
 */
@Injectable()
export class CredentialThrottlerGuard extends ThrottlerGuard {
  // Every parameter named: ThrottlerGuard's own @Inject tokens would otherwise be inherited.
  constructor(
    @Inject(WechatAuthConfig) config: WechatAuthConfig,
    @Inject(SIGN_IN_THROTTLER_STORAGE) storage: ThrottlerStorage,
    @Inject(Reflector) reflector: Reflector,
    @Inject(SignInFailures) private readonly failures: SignInFailures,
  ) {
    const { perIpPerMinute, perCredentialPerMinute } = config.throttling;
    const throttlers: ThrottlerOptions[] = [
      {
        name: 'credential',
        ttl: WINDOW_MS,
        limit: perCredentialPerMinute,
        getTracker: (req) => presentedCredential(req) ?? '',
        // Requests without a credential (a refused OAuth consent) would otherwise all share one bucket.
        skipIf: (context) => presentedCredential(context.switchToHttp().getRequest<HttpRequest>()) === undefined,
      },
    ];
    if (perIpPerMinute > 0) throttlers.push({ name: 'ip', ttl: WINDOW_MS, limit: perIpPerMinute });
    super({ throttlers }, storage, reflector);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    this.failures.refuseIfOver(context.switchToHttp().getRequest<HttpRequest>());
    return super.canActivate(context);
  }

  /** The address ceiling counts an IPv6 client per /64, as the failure budgets do. */
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    return addressKey(typeof req.ip === 'string' ? req.ip : undefined);
  }

  /** One budget across every sign-in route, rather than Nest's default of one per route. */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return counterKey(throttlerName, tracker);
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new AppError('rate_limited', undefined, { 'Retry-After': String(detail.timeToBlockExpire) });
  }
}

/**
 * Puts a sign-in route under the failure and credential throttlers; its
 * handler's failures are counted as it throws them. A route whose work is done
 * by a Passport strategy uses FailureCountingAuthGuard instead of AuthGuard.
 */
export const ThrottleSignIn = (): MethodDecorator & ClassDecorator =>
  applyDecorators(UseGuards(CredentialThrottlerGuard), UseInterceptors(SignInOutcomes));

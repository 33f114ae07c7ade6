import { ExecutionContext, Inject, Injectable, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerOptions, ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerLimitDetail } from '@nestjs/throttler/dist/throttler.guard.interface';
import type { ServerResponse } from 'node:http';
import type { HttpRequest } from '../core/http/http-request';
import { AnsweredResponse } from './sign-in-failures';
import { AppError } from '../core/errors/app-error';
import { WechatAuthConfig } from '../options/wechat-auth-config';
import { SignInFailures } from './sign-in-failures';
import { counterKey, SIGN_IN_THROTTLER_STORAGE, WINDOW_MS } from './throttling-keys';

export { SIGN_IN_THROTTLER_STORAGE } from './throttling-keys';

type CredentialCarrier = { body?: unknown; query?: Record<string, unknown> };

/** The credential a request presents, for the per-credential throttler (hashed before it is stored). */
export function presentedCredential(req: CredentialCarrier): string | undefined {
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
  const candidate = body.code ?? body.refreshToken ?? body.ticket ?? body.bindTicket ?? req.query?.code;
  return typeof candidate === 'string' ? candidate : undefined;
}

/**
 * Throttles sign-in routes by what costs something: failures per client
 * address (see SignInFailures), and attempts per credential (the code,
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
        skipIf: (context) => presentedCredential(context.switchToHttp().getRequest<CredentialCarrier>()) === undefined,
      },
    ];
    if (perIpPerMinute > 0) throttlers.push({ name: 'ip', ttl: WINDOW_MS, limit: perIpPerMinute });
    super({ throttlers }, storage, reflector);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const { req, res } = this.getRequestResponse(context) as { req: HttpRequest; res: AnsweredResponse };
    const ip = await this.getTracker(req as unknown as Record<string, unknown>);
    const secondsBlocked = await this.failures.secondsBlocked(ip);
    if (secondsBlocked > 0) throw new AppError('rate_limited', undefined, { 'Retry-After': String(secondsBlocked) });
    // Express's response is Node's; Fastify's reply wraps Node's as `raw`.
    const node = res.raw ?? (res as unknown as ServerResponse);
    node.once('finish', () => void this.failures.recordOutcome(ip, req, res));
    return super.canActivate(context);
  }

  /** One budget across every sign-in route, rather than Nest's default of one per route. */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return counterKey(throttlerName, tracker);
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new AppError('rate_limited', undefined, { 'Retry-After': String(detail.timeToBlockExpire) });
  }
}

/** Puts a sign-in route under the failure and credential throttlers. */
export const ThrottleSignIn = (): MethodDecorator & ClassDecorator => UseGuards(CredentialThrottlerGuard);

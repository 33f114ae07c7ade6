import { ExecutionContext, Inject, Injectable, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { ThrottlerGuard, ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerLimitDetail } from '@nestjs/throttler/dist/throttler.guard.interface';
import { AppError } from '../core/errors/app-error';
import { WechatAuthConfig } from '../options/wechat-auth-config';

/** Where the sign-in counters live: the host's storage from the options, or PostgreSQL. */
export const SIGN_IN_THROTTLER_STORAGE = Symbol('SIGN_IN_THROTTLER_STORAGE');

const WINDOW_MS = 60_000;

/** The credential a request presents, for the per-credential throttler (hashed before it is stored). */
export function presentedCredential(req: { body?: unknown; query?: Record<string, unknown> }): string {
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
  const candidate = body.code ?? body.refreshToken ?? body.ticket ?? body.bindTicket ?? req.query?.code;
  return typeof candidate === 'string' ? candidate : '-';
}

/**
 * Throttles sign-in routes twice: per client ip, and per credential (the
 * code, refresh token or ticket presented), so one leaked or guessed
 * credential cannot be hammered from many addresses either. It carries its
 * own limits and storage rather than reading ThrottlerModule's, so a host
 * with a throttler of its own keeps it untouched.
 */
@Injectable()
export class CredentialThrottlerGuard extends ThrottlerGuard {
  // Every parameter named: ThrottlerGuard's own @Inject tokens would otherwise be inherited.
  constructor(
    @Inject(WechatAuthConfig) config: WechatAuthConfig,
    @Inject(SIGN_IN_THROTTLER_STORAGE) storage: ThrottlerStorage,
    @Inject(Reflector) reflector: Reflector,
  ) {
    super(
      {
        throttlers: [
          { name: 'ip', ttl: WINDOW_MS, limit: config.throttling.perIpPerMinute },
          { name: 'credential', ttl: WINDOW_MS, limit: config.throttling.perCredentialPerMinute, getTracker: presentedCredential },
        ],
      },
      storage,
      reflector,
    );
  }

  /** One budget across every sign-in route, rather than Nest's default of one per route. */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return createHash('sha256').update(`${throttlerName}:${tracker}`).digest('base64url');
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new AppError('rate_limited', undefined, { 'Retry-After': String(detail.timeToBlockExpire) });
  }
}

/** Puts a sign-in route under the ip and credential throttlers. */
export const ThrottleSignIn = (): MethodDecorator & ClassDecorator => UseGuards(CredentialThrottlerGuard);

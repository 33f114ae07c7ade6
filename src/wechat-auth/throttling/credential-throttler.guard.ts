import { ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ThrottlerLimitDetail } from '@nestjs/throttler/dist/throttler.guard.interface';
import { AppError } from '../core/errors/app-error';

/**
 * Throttles sign-in routes twice: per client ip, and per credential (the
 * code, refresh token or ticket presented), so one leaked or guessed
 * credential cannot be hammered from many addresses either.
 */
@Injectable()
export class CredentialThrottlerGuard extends ThrottlerGuard {
  /** One budget across every sign-in route, rather than Nest's default of one per route. */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return createHash('sha256').update(`${throttlerName}:${tracker}`).digest('base64url');
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new AppError('rate_limited', undefined, { 'Retry-After': String(detail.timeToBlockExpire) });
  }
}

/** The credential a request presents, for the per-credential throttler (hashed before it is stored). */
export function presentedCredential(req: { body?: unknown; query?: Record<string, unknown> }): string {
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
  const candidate = body.code ?? body.refreshToken ?? body.ticket ?? req.query?.code;
  return typeof candidate === 'string' ? candidate : '-';
}

/** Puts a sign-in route under the ip and credential throttlers. */
export const ThrottleSignIn = (): MethodDecorator & ClassDecorator => UseGuards(CredentialThrottlerGuard);

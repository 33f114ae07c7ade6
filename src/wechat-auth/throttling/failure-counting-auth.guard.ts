import { CanActivate, ExecutionContext, Inject, Injectable, Type } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { HttpRequest } from '../core/http/http-request';
import { SignInFailures } from './sign-in-failures';

const guards = new Map<string, Type<CanActivate>>();

/** The error code of a strategy's outcome that is a redirect to `#error=<code>` (the OAuth callback's refusals). */
function redirectedError(request: HttpRequest & { user?: { location?: unknown } }): string | undefined {
  const location = request.user?.location;
  return typeof location === 'string' ? /#error=(\w+)/.exec(location)?.[1] : undefined;
}

/**
 * `AuthGuard(strategy)` for a sign-in whose WeChat call is made by a Passport
 * strategy: the strategy's failure is counted against the caller's address as
 * it is decided, and a code is not exchanged once the address is over its
 * budget (see SignInFailures). Goes after CredentialThrottlerGuard.
 */
export function FailureCountingAuthGuard(strategy: string): Type<CanActivate> {
  const known = guards.get(strategy);
  if (known) return known;

  @Injectable()
  class FailureCounting extends AuthGuard(strategy) {
    @Inject(SignInFailures) private readonly failures!: SignInFailures;

    override canActivate(context: ExecutionContext): Promise<boolean> {
      const request = context.switchToHttp().getRequest<HttpRequest>();
      return this.failures.attempt(request, async () => (await super.canActivate(context)) as boolean, () => redirectedError(request));
    }
  }
  guards.set(strategy, FailureCounting);
  return FailureCounting;
}

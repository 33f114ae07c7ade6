import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { from, lastValueFrom, Observable } from 'rxjs';
import type { HttpRequest } from '../core/http/http-request';
import { SignInFailures } from './sign-in-failures';

/**
 * Counts a throttled sign-in route's failure as its handler throws it, not
 * once its answer is flushed: a client that hangs up still spends its budget.
 * The throttler owns this, so a host's own exception filter changes nothing.
 */
@Injectable()
export class SignInOutcomes implements NestInterceptor {
  constructor(@Inject(SignInFailures) private readonly failures: SignInFailures) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    return from(this.failures.attempt(request, () => lastValueFrom(next.handle(), { defaultValue: undefined })));
  }
}

import { applyDecorators, Header, HttpCode, Post, Type, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse } from '@nestjs/swagger';
import { TokenPair } from '../sessions/token-pair';
import { CredentialThrottlerGuard } from '../throttling/credential-throttler.guard';
import { FailureCountingAuthGuard } from '../throttling/failure-counting-auth.guard';
import { Public } from '../tokens/decorators/public.decorator';

/**
 * `POST <path>` where a client trades a WeChat code for a token pair: public,
 * throttled, never cached; the strategy validates the body and signs the user in.
 */
export function CodeLoginRoute(path: string, strategy: string, body: Type): MethodDecorator {
  return applyDecorators(
    Public(),
    Post(path),
    HttpCode(200),
    Header('Cache-Control', 'no-store'),
    UseGuards(CredentialThrottlerGuard, FailureCountingAuthGuard(strategy)),
    ApiBody({ type: body }),
    ApiOkResponse({ type: TokenPair }),
  );
}

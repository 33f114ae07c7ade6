import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../../core/errors/app-error';
import { IS_PUBLIC } from '../decorators/public.decorator';
import { RevocationList } from '../revocation/revocation-list';
import { AccessTokenService } from '../access-token.service';
import { HandlerMetadata } from './handler-metadata';
import { AuthenticatedRequest, requestOf } from './request-of';

/**
 * The global guard: every handler needs a valid access token unless marked
 * `@Public()`. HTTP routes and GraphQL resolvers read the bearer token of
 * their request; handlers of other kinds (WebSocket gateways, microservice
 * patterns) carry none we could check, so they are refused unless public.
 * It touches no database: the signature, the claims and the in-memory
 * revocation list (ended sessions, disabled users) decide.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  private readonly isPublic: HandlerMetadata<boolean>;

  constructor(
    reflector: Reflector,
    private readonly accessTokens: AccessTokenService,
    private readonly revocations: RevocationList,
  ) {
    this.isPublic = new HandlerMetadata(reflector, IS_PUBLIC);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.isPublic.of(context)) return true;
    const request = requestOf(context);
    if (!request) throw new AppError('unauthorized', 'This handler needs an access token and cannot receive one here: mark it @Public() or guard it yourself.');

    const header = request.headers.authorization;
    if (!header) throw new AppError('unauthorized');
    const user = this.accessTokens.authenticate(header);
    if (this.revocations.isUserMerged(user.id)) throw new AppError('token_expired', 'This account was merged into another: refresh for its tokens.');
    if (this.revocations.isUserDisabled(user.id)) throw new AppError('user_disabled');
    if (this.revocations.isSessionRevoked(user.sessionId)) throw new AppError('session_revoked');
    (request as AuthenticatedRequest).user = user;
    return true;
  }
}


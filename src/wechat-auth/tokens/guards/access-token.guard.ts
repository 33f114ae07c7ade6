import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppError } from '../../core/errors/app-error';
import { AuthUser } from '../auth-user';
import { IS_PUBLIC } from '../decorators/public.decorator';
import { RevocationList } from '../revocation/revocation-list';
import { AccessTokenService } from '../access-token.service';

const BEARER = /^Bearer +([A-Za-z0-9_.-]+) *$/i;

/**
 * The global guard: every route needs a valid access token unless marked
 * `@Public()`. It touches no database: the signature, the claims and the
 * in-memory revocation list (ended sessions, disabled users) decide.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly accessTokens: AccessTokenService,
    private readonly revocations: RevocationList,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;

    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const header = request.headers.authorization;
    if (!header) throw new AppError('unauthorized');
    const token = BEARER.exec(header)?.[1];
    if (!token) throw new AppError('invalid_token');

    const user = this.accessTokens.verify(token);
    if (this.revocations.isUserDisabled(user.id)) throw new AppError('user_disabled');
    if (this.revocations.isSessionRevoked(user.sessionId)) throw new AppError('session_revoked');
    request.user = user;
    return true;
  }
}

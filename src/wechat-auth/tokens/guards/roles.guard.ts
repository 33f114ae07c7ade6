import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppError } from '../../core/errors/app-error';
import { AuthUser } from '../auth-user';
import { REQUIRED_ROLES } from '../decorators/roles.decorator';

/** Runs after AccessTokenGuard: a route marked `@Roles(...)` needs one of those roles. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, [context.getHandler(), context.getClass()]);
    if (!required) return true;
    const user = context.switchToHttp().getRequest<Request & { user?: AuthUser }>().user;
    if (!user) throw new AppError('unauthorized');
    if (!required.some((role) => user.roles.includes(role))) throw new AppError('forbidden');
    return true;
  }
}

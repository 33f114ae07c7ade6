import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../../core/errors/app-error';
import { REQUIRED_ROLES } from '../decorators/roles.decorator';
import { HandlerMetadata } from './handler-metadata';
import { requestOf } from './request-of';

/** Runs after AccessTokenGuard: a handler marked `@Roles(...)` needs one of those roles. */
@Injectable()
export class RolesGuard implements CanActivate {
  private readonly requiredRoles: HandlerMetadata<string[]>;

  constructor(reflector: Reflector) {
    this.requiredRoles = new HandlerMetadata(reflector, REQUIRED_ROLES);
  }

  canActivate(context: ExecutionContext): boolean {
    const required = this.requiredRoles.of(context);
    if (!required) return true;
    const user = requestOf(context)?.user;
    if (!user) throw new AppError('unauthorized');
    if (!required.some((role) => user.roles.includes(role))) throw new AppError('forbidden');
    return true;
  }
}

import { SetMetadata } from '@nestjs/common';

export const REQUIRED_ROLES = 'auth:roles';

/** Lets only callers holding at least one of these roles through (checked by RolesGuard, after sign-in). */
export const Roles = (...roles: [string, ...string[]]): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLES, roles);

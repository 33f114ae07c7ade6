import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AuthUser } from '../auth-user';
import { requestOf } from '../guards/request-of';

/** The signed-in caller of a guarded route or resolver, as its access token says. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser => requestOf(context)!.user!);

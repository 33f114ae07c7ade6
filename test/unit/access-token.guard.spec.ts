import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessTokenGuard, AppError, AuthUser, IS_PUBLIC } from '../../src/wechat-auth';
import { AccessTokenService } from '../../src/wechat-auth/tokens/access-token.service';
import { RevocationList } from '../../src/wechat-auth/tokens/revocation/revocation-list';

const CALLER: AuthUser = { id: 'user-1', sessionId: 'session-1', roles: ['user'] };

class Handlers {
  open(): void {}
  closed(): void {}
}
Reflect.defineMetadata(IS_PUBLIC, true, Handlers.prototype.open);

/** What Nest hands a guard for a handler of that kind: the HTTP request, or resolver / gateway arguments. */
function contextOf(type: string, handler: keyof Handlers, args: unknown[]): ExecutionContext {
  return {
    getType: () => type,
    getHandler: () => Handlers.prototype[handler],
    getClass: () => Handlers,
    getArgByIndex: (index: number) => args[index],
    switchToHttp: () => ({ getRequest: () => args[0] }),
  } as unknown as ExecutionContext;
}

describe('AccessTokenGuard in every kind of handler', () => {
  const tokens = {
    authenticate: (authorization: string): AuthUser => {
      if (authorization !== 'Bearer good') throw new AppError('invalid_token');
      return CALLER;
    },
  };
  const guard = new AccessTokenGuard(new Reflector(), tokens as unknown as AccessTokenService, { isUserMerged: () => false, isUserDisabled: () => false, isSessionRevoked: () => false } as unknown as RevocationList);

  function refusedWith(context: ExecutionContext): string {
    try {
      guard.canActivate(context);
    } catch (error) {
      return (error as AppError).code;
    }
    throw new Error('expected a refusal');
  }

  it('reads the bearer token of a GraphQL resolver request and gives the resolver its caller', () => {
    const req = { headers: { authorization: 'Bearer good' } as Record<string, string>, user: undefined as AuthUser | undefined };
    expect(guard.canActivate(contextOf('graphql', 'closed', [{}, {}, { req }, {}]))).toBe(true);
    expect(req.user).toEqual(CALLER);
    expect(refusedWith(contextOf('graphql', 'closed', [{}, {}, { req: { headers: {} } }, {}]))).toBe('unauthorized');
  });

  it.each(['ws', 'rpc'])('refuses a %s handler unless it is public', (type) => {
    expect(refusedWith(contextOf(type, 'closed', [{}, {}]))).toBe('unauthorized');
    expect(guard.canActivate(contextOf(type, 'open', [{}, {}]))).toBe(true);
  });
});

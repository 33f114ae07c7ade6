import { ExecutionContext } from '@nestjs/common';
import { AuthUser } from '../auth-user';

/** What the guards read of a request, on Express and Fastify alike. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined> & { authorization?: string };
  user?: AuthUser;
}

/**
 * The HTTP request behind a handler: the route's own, or for a GraphQL
 * resolver the one in its context (third resolver argument, `{ req }` by
 * the convention of @nestjs/graphql's drivers). Undefined for handlers that
 * have no HTTP request (WebSocket gateways, microservices).
 */
export function requestOf(context: ExecutionContext): AuthenticatedRequest | undefined {
  const type = context.getType<string>();
  // The route's first argument, as switchToHttp().getRequest() would answer, without the closures it makes on every call.
  if (type === 'http') return context.getArgByIndex<AuthenticatedRequest>(0);
  if (type === 'graphql') return (context.getArgByIndex(2) as { req?: AuthenticatedRequest } | undefined)?.req;
  return undefined;
}

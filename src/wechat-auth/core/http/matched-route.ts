import type { HttpRequest } from './http-request';

/**
 * The path pattern of the route that matched a request, as the app
 * registered it (global prefix and version included): what the router
 * matched, never the request target the client wrote. Express keeps it on
 * `request.route`, Fastify on `request.routeOptions`.
 */
export function matchedRoute(request: HttpRequest): string {
  const { route, routeOptions } = request as { route?: { path?: unknown }; routeOptions?: { url?: unknown } };
  const pattern = route?.path ?? routeOptions?.url;
  if (typeof pattern !== 'string') throw new Error('The HTTP platform did not say which route matched the request.');
  return pattern;
}

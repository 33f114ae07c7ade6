import type { ClientInfo } from '../sessions/session.service';
import type { HttpRequest } from './http/http-request';

/** Where a login came from, for the session and the login history. */
export function clientInfo(request: HttpRequest): ClientInfo {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null };
}

import type { Request } from 'express';
import type { ClientInfo } from '../sessions/session.service';

/** Where a login came from, for the session and the login history. */
export function clientInfo(request: Request): ClientInfo {
  return { ip: request.ip ?? null, userAgent: request.get('user-agent')?.slice(0, 512) ?? null };
}

import type { IncomingHttpHeaders } from 'node:http';

/**
 * What the module reads of a request: the same fields on Express's request
 * and on Fastify's, so nothing here depends on the host's HTTP platform.
 */
export interface HttpRequest {
  /** The client's address, as the platform's trust-proxy setting makes it. */
  ip?: string;
  /** Path and query, as the client sent them. */
  url: string;
  headers: IncomingHttpHeaders;
  body?: unknown;
  query?: unknown;
  params?: Record<string, string | undefined>;
}

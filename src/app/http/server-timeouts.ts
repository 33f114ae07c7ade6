import type { Server, ServerOptions } from 'node:http';
import { AppConfig } from '../config/app-config';

/**
 * Node's own limits on how long a client may take, as options of
 * `http.createServer`. Node checks the header and request timeouts on a
 * timer, 30 s apart by default: a tenth of the header timeout keeps a
 * client's cut-off close to the configured time.
 */
export function serverTimeouts(http: AppConfig['http']): Pick<ServerOptions, 'headersTimeout' | 'requestTimeout' | 'keepAliveTimeout' | 'connectionsCheckingInterval'> {
  return {
    headersTimeout: http.headersTimeoutMs,
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.ceil(http.headersTimeoutMs / 10),
  };
}

/**
 * The same limits on a server already made (the Express app's). The checking
 * interval is read when the server starts listening, so it still applies.
 */
export function limitServer(server: Server, http: AppConfig['http']): void {
  Object.assign(server, serverTimeouts(http));
  server.setTimeout(http.idleTimeoutMs);
}

import { Logger } from '@nestjs/common';
import type { IncomingMessage, Server } from 'node:http';
import { BlockList, isIPv4 } from 'node:net';

/** Where a reverse proxy or load balancer in front of the service usually sits. */
const PROXY_NETWORKS = new BlockList();
for (const [network, prefix] of [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['127.0.0.0', 8], ['100.64.0.0', 10]] as const) {
  PROXY_NETWORKS.addSubnet(network, prefix, 'ipv4');
}
PROXY_NETWORKS.addSubnet('fc00::', 7, 'ipv6');
PROXY_NETWORKS.addAddress('::1', 'ipv6');

function fromProxyNetwork(address: string | undefined): boolean {
  if (!address) return false;
  const ipv4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return isIPv4(ipv4) ? PROXY_NETWORKS.check(ipv4, 'ipv4') : PROXY_NETWORKS.check(address, 'ipv6');
}

/**
 * Watches requests while TRUST_PROXY is off: one from a private or loopback
 * address carrying X-Forwarded-For almost surely came through a proxy, so
 * every client then shares the proxy's address (in the login history and for
 * the per-address sign-in limits). Said once, not per request. It listens on
 * the HTTP server itself, beside the framework, and stops listening once it
 * has warned: no route of the monolith pays for it through the router.
 */
export function watchForProxyHeaders(server: Pick<Server, 'on' | 'off'>, logger = new Logger('ClientAddress')): void {
  const watch = (req: IncomingMessage) => {
    if (req.headers['x-forwarded-for'] === undefined || !fromProxyNetwork(req.socket.remoteAddress)) return;
    server.off('request', watch);
    logger.warn(
      'Requests arrive from a private or loopback address with X-Forwarded-For, but TRUST_PROXY is off: every client gets the proxy\'s address. Set TRUST_PROXY to the proxy\'s address or subnet.',
    );
  };
  server.on('request', watch);
}

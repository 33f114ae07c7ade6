import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';

/** Where the sign-in counters live: the host's storage from the options, or PostgreSQL. */
export const SIGN_IN_THROTTLER_STORAGE = Symbol('SIGN_IN_THROTTLER_STORAGE');

export const WINDOW_MS = 60_000;

/** One counter per throttler and tracker across every sign-in route, hashed so no address or credential is stored. */
export function counterKey(throttlerName: string, tracker: string): string {
  return createHash('sha256').update(`${throttlerName}:${tracker}`).digest('base64url');
}

/**
 * The unit one client address is counted as: an IPv4 address (also when it
 * arrives IPv4-mapped), or an IPv6 address's /64, since one subscriber is
 * usually given a whole /64 and could otherwise count as 2^64 clients.
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return '';
  const bare = ip.replace(/%.*$/, ''); // a link-local address's zone says nothing about who sent it
  if (!ipaddr.isValid(bare)) return ip;
  const address = ipaddr.process(bare);
  if (address.kind() === 'ipv4') return address.toString();
  const prefix = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${prefix.join(':')}::/64`;
}

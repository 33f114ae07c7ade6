import { createHash } from 'node:crypto';

/** Where the sign-in counters live: the host's storage from the options, or PostgreSQL. */
export const SIGN_IN_THROTTLER_STORAGE = Symbol('SIGN_IN_THROTTLER_STORAGE');

export const WINDOW_MS = 60_000;

/** One counter per throttler and tracker across every sign-in route, hashed so no address or credential is stored. */
export function counterKey(throttlerName: string, tracker: string): string {
  return createHash('sha256').update(`${throttlerName}:${tracker}`).digest('base64url');
}

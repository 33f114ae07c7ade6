import { createHash, timingSafeEqual } from 'node:crypto';

/** Every one-time ticket we hand out: 32 random bytes, base64url. */
export const TICKET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Tickets are stored only as this hash: a database dump holds none that works. */
export function hashTicket(ticket: string): Buffer {
  return createHash('sha256').update(ticket).digest();
}

/**
 * PKCE: whether `verifier` is the one whose SHA-256 a browser login started
 * with. A ticket without a challenge (one handed to its caller in a JSON
 * answer, never through a redirect) needs none.
 */
export function verifierMatches(challenge: Buffer | null | undefined, verifier: string | undefined): boolean {
  if (!challenge) return true;
  return verifier !== undefined && timingSafeEqual(createHash('sha256').update(verifier).digest(), challenge);
}

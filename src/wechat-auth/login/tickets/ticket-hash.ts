import { createHash } from 'node:crypto';

/** Every one-time ticket we hand out: 32 random bytes, base64url. */
export const TICKET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Tickets are stored only as this hash: a database dump holds none that works. */
export function hashTicket(ticket: string): Buffer {
  return createHash('sha256').update(ticket).digest();
}

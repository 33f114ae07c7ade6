import { AppError } from '../wechat-auth/core/errors/app-error';

/**
 * Where a page of the admin list ended: the last user's creation time (in
 * microseconds since the epoch, PostgreSQL's own precision) and id, the
 * list's sort key. The next page starts after it with an index seek, however
 * deep it is; a page number has to skip every entry before it.
 */
export interface ListCursor {
  createdAtMicros: string;
  id: string;
}

const CURSOR = /^(-?\d{1,18})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

// The years 0001 to 9999, in microseconds since the epoch: every time a list can give. Beyond them
// PostgreSQL's bigint and interval arithmetic overflow, which would answer 500 to a crafted cursor.
const EARLIEST_MICROS = BigInt(Date.parse('0001-01-01T00:00:00Z')) * 1000n;
const LATEST_MICROS = BigInt(Date.parse('9999-12-31T23:59:59.999Z')) * 1000n + 999n;

/** Opaque to clients: they hand back what the previous page gave them. */
export function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(`${cursor.createdAtMicros}.${cursor.id}`, 'utf8').toString('base64url');
}

/** The cursor a list gave, exactly as it gave it: anything else is invalid_request, never a query. */
export function decodeCursor(text: string): ListCursor {
  const match = CURSOR.exec(Buffer.from(text, 'base64url').toString('utf8'));
  const cursor = match ? { createdAtMicros: match[1], id: match[2] } : null;
  if (!cursor || encodeCursor(cursor) !== text || !isListTime(cursor.createdAtMicros)) {
    throw new AppError('invalid_request', 'after must be a nextCursor the list gave.');
  }
  return cursor;
}

/** In range, and written as PostgreSQL writes a bigint (no leading zeros, no "-0"). */
function isListTime(micros: string): boolean {
  const value = BigInt(micros);
  return value >= EARLIEST_MICROS && value <= LATEST_MICROS && value.toString() === micros;
}

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

const CURSOR = /^(-?\d{1,19})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Opaque to clients: they hand back what the previous page gave them. */
export function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(`${cursor.createdAtMicros}.${cursor.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(text: string): ListCursor {
  const match = CURSOR.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (!match) throw new AppError('invalid_request', 'after must be a nextCursor the list gave.');
  return { createdAtMicros: match[1], id: match[2] };
}

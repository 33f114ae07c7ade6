import { EntityManager } from 'typeorm';
import { Statement } from './statements';

/**
 * The keys that serialise work on one WeChat identity and on the user its
 * unionid names: every login, merge and unbind of them takes these first.
 */
export function identityLockKeys(appid: string, openid: string, unionid?: string | null): string[] {
  return [`identity:${appid}:${openid}`, ...(unionid ? [`unionid:${unionid}`] : [])];
}

/**
 * Takes transaction-scoped advisory locks on all keys ($1) in one statement,
 * in sorted order, so two transactions never wait on each other in a cycle.
 */
export const TAKE_ADVISORY_LOCKS = new Statement(
  'SELECT pg_advisory_xact_lock(hashtextextended(key, 0)) FROM (SELECT DISTINCT unnest($1::text[]) AS key ORDER BY key) AS sorted',
);

/** TAKE_ADVISORY_LOCKS through a transaction's EntityManager, on the paths that are not hot (unbinds, deletions, the statistics job). */
export async function takeAdvisoryLocks(db: EntityManager, keys: string[]): Promise<void> {
  await db.query(TAKE_ADVISORY_LOCKS.text, [keys]);
}

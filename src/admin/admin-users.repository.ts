import { Injectable } from '@nestjs/common';
import { InjectWechatAuthDataSource } from '../wechat-auth';
import { DataSource, In, IsNull, MoreThan } from 'typeorm';
import { LoginEvent } from '../wechat-auth/login/login-events/login-event.entity';
import { Session } from '../wechat-auth/sessions/session.entity';
import { User, UserStatus } from '../wechat-auth/users/entities/user.entity';
import { ListCursor } from './admin-list-cursor';

export interface UserListFilter {
  /** Matches the id, part of the nickname, an openid, a unionid or the phone number. */
  q?: string;
  app?: string;
  linked?: boolean;
  status?: UserStatus;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RECENT_LOGIN_EVENTS = 50;
// Counting every match of a broad list reads most of the table for every page: at a million users an
// exact total cost more than the page. An admin needs the exact figure only when it is small.
export const COUNT_CAP = 1_000;

/** Where a page starts: after so many matches (a page number), or after a cursor. */
export type ListStart = { offset: number } | { after: ListCursor };

export interface UserListPage {
  users: User[];
  /** Where the next page starts; null on the last page. */
  next: ListCursor | null;
  /** Exact up to COUNT_CAP matches; beyond, the cap. */
  total: number;
  /** True when the list has more matches than `total` says. */
  totalCapped: boolean;
}

/** `%` and `_` typed by an admin are meant literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * The users holding an identity with the openid bound to `openidParam`
 * (a query placeholder), in any app. An openid is unique only within its
 * app, and the one index holding openids is UNIQUE (appid, openid): the
 * search walks that index's few distinct appids (one probe each) and looks
 * the openid up under each. An index on openid alone
 * would cost every first login a write at a random page (see the migration
 * OpenidIndexDropped1764420000000). LATERAL keeps the lookup per app, so the
 * planner cannot turn it into a scan of every identity for the openid.
 */
function usersWithOpenid(openidParam: string): string {
  return `SELECT i.user_id FROM (
            WITH RECURSIVE appids AS (
              (SELECT appid FROM wechat_identities ORDER BY appid LIMIT 1)
              UNION ALL
              SELECT (SELECT next.appid FROM wechat_identities next WHERE next.appid > appids.appid ORDER BY next.appid LIMIT 1)
              FROM appids WHERE appids.appid IS NOT NULL)
            SELECT appid FROM appids WHERE appid IS NOT NULL) AS apps
          CROSS JOIN LATERAL (SELECT user_id FROM wechat_identities WHERE appid = apps.appid AND openid = ${openidParam}) AS i`;
}

/**
 * The WHERE clause of a list filter. Each condition has an index (see the
 * admin-console migration); the search is a union of exact or trigram index
 * lookups, so no filtered page reads the whole table.
 */
function whereClause(filter: UserListFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const conditions: string[] = [];
  if (filter.status) conditions.push(`u.status = ${param(filter.status)}`);
  if (filter.linked !== undefined) conditions.push(filter.linked ? 'u.unionid IS NOT NULL' : 'u.unionid IS NULL');
  if (filter.app) conditions.push(`EXISTS (SELECT 1 FROM wechat_identities i WHERE i.user_id = u.id AND i.app_key = ${param(filter.app)})`);
  if (filter.q) {
    const q = param(filter.q);
    const matches = [
      `SELECT id FROM users WHERE nickname ILIKE ${param(containsPattern(filter.q))}`,
      `SELECT id FROM users WHERE unionid = ${q} OR phone = ${q}`,
      `SELECT user_id FROM wechat_identities WHERE unionid = ${q}`,
      usersWithOpenid(q),
    ];
    if (UUID.test(filter.q)) matches.push(`SELECT ${q}::uuid`);
    conditions.push(`u.id IN (${matches.join(' UNION ')})`);
  }
  return { sql: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

@Injectable()
export class AdminUsersRepository {
  constructor(@InjectWechatAuthDataSource() private readonly dataSource: DataSource) {}

  /**
   * One page of users, newest first, with their identities: the ids of the
   * page from an index (only ids, so a deep page skips index entries rather
   * than rows; after a cursor, it seeks straight to it), then the page's
   * users and identities in one query, and the total alongside. Three
   * queries whatever the page size.
   *
   * The total is counted up to COUNT_CAP matches only, filtered or not.
   */
  async list(filter: UserListFilter, start: ListStart, pageSize: number): Promise<UserListPage> {
    const where = whereClause(filter);
    const params = [...where.params];
    const param = (value: unknown) => `$${params.push(value)}`;
    const afterCursor =
      'after' in start
        ? `(u.created_at, u.id) < (timestamptz 'epoch' + ${param(start.after.createdAtMicros)}::bigint * interval '1 microsecond', ${param(start.after.id)}::uuid)`
        : null;
    const pageWhere = afterCursor ? (where.sql ? `${where.sql} AND ${afterCursor}` : `WHERE ${afterCursor}`) : where.sql;
    const [idRows, countRows] = await Promise.all([
      this.dataSource.query(
        `SELECT u.id, (extract(epoch FROM u.created_at) * 1000000)::bigint::text AS created_at_micros
         FROM users u ${pageWhere} ORDER BY u.created_at DESC, u.id DESC
         LIMIT ${param(pageSize)} OFFSET ${param('offset' in start ? start.offset : 0)}`,
        params,
      ) as Promise<Array<{ id: string; created_at_micros: string }>>,
      this.dataSource.query(`SELECT count(*)::int AS total FROM (SELECT 1 FROM users u ${where.sql} LIMIT ${COUNT_CAP + 1}) AS capped`, where.params) as Promise<
        Array<{ total: number }>
      >,
    ]);
    const ids = idRows.map((row) => row.id);
    const users = ids.length
      ? await this.dataSource.manager.find(User, { where: { id: In(ids) }, relations: { identities: true }, order: { identities: { createdAt: 'ASC' } } })
      : [];
    const byId = new Map(users.map((user) => [user.id, user]));
    const counted = countRows[0].total;
    const last = idRows.length === pageSize ? idRows[idRows.length - 1] : undefined;
    return {
      users: ids.flatMap((id) => byId.get(id) ?? []),
      next: last ? { createdAtMicros: last.created_at_micros, id: last.id } : null,
      total: Math.min(counted, COUNT_CAP),
      totalCapped: counted > COUNT_CAP,
    };
  }

  activeSessions(userId: string): Promise<Session[]> {
    return this.dataSource.manager.find(Session, {
      where: { userId, revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      order: { createdAt: 'DESC' },
    });
  }

  recentLoginEvents(userId: string): Promise<LoginEvent[]> {
    return this.dataSource.manager.find(LoginEvent, { where: { userId }, order: { createdAt: 'DESC' }, take: RECENT_LOGIN_EVENTS });
  }

  /** The user's roles after adding `role`, or undefined when there is no such user. */
  async addRole(userId: string, role: string): Promise<string[] | undefined> {
    const [rows] = (await this.dataSource.query(
      `UPDATE users SET roles = CASE WHEN $2 = ANY(roles) THEN roles ELSE array_append(roles, $2) END, updated_at = now()
       WHERE id = $1 RETURNING roles`,
      [userId, role],
    )) as [Array<{ roles: string[] }>, number];
    return rows[0]?.roles;
  }

  async removeRole(userId: string, role: string): Promise<string[] | undefined> {
    const [rows] = (await this.dataSource.query(`UPDATE users SET roles = array_remove(roles, $2), updated_at = now() WHERE id = $1 RETURNING roles`, [
      userId,
      role,
    ])) as [Array<{ roles: string[] }>, number];
    return rows[0]?.roles;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectWechatAuthDataSource } from '../wechat-auth';
import { DataSource, In, IsNull, MoreThan } from 'typeorm';
import { LoginEvent } from '../wechat-auth/login/login-events/login-event.entity';
import { Session } from '../wechat-auth/sessions/session.entity';
import { User, UserStatus } from '../wechat-auth/users/entities/user.entity';

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

export interface UserListPage {
  users: User[];
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
      `SELECT user_id FROM wechat_identities WHERE openid = ${q} OR unionid = ${q}`,
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
   * than rows), then the page's users and identities in one query, and the
   * total alongside. Three queries whatever the page size.
   *
   * The total is counted up to COUNT_CAP matches only, filtered or not.
   */
  async list(filter: UserListFilter, page: number, pageSize: number): Promise<UserListPage> {
    const where = whereClause(filter);
    const offset = (page - 1) * pageSize;
    const [idRows, countRows] = await Promise.all([
      this.dataSource.query(
        `SELECT u.id FROM users u ${where.sql} ORDER BY u.created_at DESC, u.id DESC
         LIMIT $${where.params.length + 1} OFFSET $${where.params.length + 2}`,
        [...where.params, pageSize, offset],
      ) as Promise<Array<{ id: string }>>,
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
    return { users: ids.flatMap((id) => byId.get(id) ?? []), total: Math.min(counted, COUNT_CAP), totalCapped: counted > COUNT_CAP };
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

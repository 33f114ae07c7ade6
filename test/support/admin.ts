import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loginAs, persona, TestApp, TokenPairBody } from './test-app';

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export function database(t: TestApp): DataSource {
  return t.app.get(DataSource);
}

/** What `npm run admin -- grant` does, without spawning the CLI. */
export async function grantAdmin(t: TestApp, userId: string): Promise<void> {
  await database(t).query(`UPDATE users SET roles = array_append(roles, 'admin') WHERE id = $1 AND NOT 'admin' = ANY(roles)`, [userId]);
}

/** A fresh user holding the admin role, signed in: the role is in its token from the refresh after the grant. */
export async function signInAsAdmin(t: TestApp): Promise<TokenPairBody> {
  const pair = await loginAs(t, persona('admin'));
  await grantAdmin(t, pair.user.id);
  const refreshed = await t.http.post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(200);
  return refreshed.body as TokenPairBody;
}

export interface SeedIdentity {
  app: string;
  /** Defaults to one appid that no configured app has. */
  appid?: string;
  openid?: string;
  unionid?: string | null;
}

export interface SeedUser {
  nickname?: string | null;
  unionid?: string | null;
  phone?: string | null;
  status?: 'active' | 'disabled';
  identities?: SeedIdentity[];
}

/** Writes a user and its identities straight to the database, for list and filter tests. */
export async function seedUser(t: TestApp, user: SeedUser): Promise<{ id: string; identityIds: string[]; openids: string[] }> {
  const db = database(t);
  const [row] = (await db.query(`INSERT INTO users (nickname, unionid, phone, status) VALUES ($1, $2, $3, $4) RETURNING id`, [
    user.nickname ?? null,
    user.unionid ?? null,
    user.phone ?? null,
    user.status ?? 'active',
  ])) as Array<{ id: string }>;
  const identityIds: string[] = [];
  const openids: string[] = [];
  for (const identity of user.identities ?? []) {
    const openid = identity.openid ?? `o${randomUUID().replace(/-/g, '')}`;
    const [created] = (await db.query(
      `INSERT INTO wechat_identities (user_id, app_key, appid, app_type, openid, unionid)
       VALUES ($1, $2, $3, 'miniprogram', $4, $5) RETURNING id`,
      [row.id, identity.app, identity.appid ?? 'wxd00000000000seed', openid, identity.unionid ?? null],
    )) as Array<{ id: string }>;
    identityIds.push(created.id);
    openids.push(openid);
  }
  return { id: row.id, identityIds, openids };
}

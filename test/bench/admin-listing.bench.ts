import { DataSource } from 'typeorm';
import { AdminUsersRepository, ListStart, UserListFilter } from '../../src/admin/admin-users.repository';
import { inScratchDatabase, medianMs, TIMED_RUNS } from './scratch-database';

const USERS = 100_000;
const PAGE_SIZE = 20;

/**
 * 100,000 users like a real population: two in three linked by a unionid,
 * every one in the Mini Program, half also in the Official Account, one in
 * five on the website, a quarter with a phone, one in fifty disabled.
 */
async function seed(dataSource: DataSource): Promise<void> {
  await dataSource.query(
    `INSERT INTO users (unionid, nickname, phone, status, created_at, last_login_at)
     SELECT CASE WHEN g % 3 <> 0 THEN 'u' || md5(g::text) END,
            'user ' || g || ' ' || substr(md5('n' || g), 1, 6),
            CASE WHEN g % 4 = 0 THEN '139' || lpad(g::text, 8, '0') END,
            CASE WHEN g % 50 = 0 THEN 'disabled' ELSE 'active' END,
            now() - make_interval(secs => g),
            now() - make_interval(secs => g / 2)
     FROM generate_series(1, $1) AS g`,
    [USERS],
  );
  const identities: Array<[string, string, string, string]> = [
    ['demo-miniprogram', 'wxd000000000000001', 'miniprogram', 'true'],
    ['demo-official-account', 'wxd000000000000002', 'official_account', `('x' || substr(md5(id::text), 1, 8))::bit(32)::int % 2 = 0`],
    ['demo-website', 'wxd000000000000003', 'website', `('x' || substr(md5(id::text), 9, 8))::bit(32)::int % 5 = 0`],
  ];
  for (const [appKey, appid, appType, which] of identities) {
    await dataSource.query(
      `INSERT INTO wechat_identities (user_id, app_key, appid, app_type, openid, unionid, last_login_at)
       SELECT id, $1, $2, $3, 'o' || md5($2 || id::text), unionid, last_login_at FROM users WHERE ${which}`,
      [appKey, appid, appType],
    );
  }
  await dataSource.query('VACUUM ANALYZE users');
  await dataSource.query('VACUUM ANALYZE wechat_identities');
}

/**
 * The admin list as the API runs it, the median of several runs in
 * milliseconds, over a database of `users` users. The deep page is the last
 * one, reached as the admin page does by following nextCursor (by page
 * number, OFFSET walks every entry before it: printed apart, it grows with
 * the depth); the searches look for one person, by a part of a nickname and
 * by an openid, so both sizes find as many users.
 */
export async function adminListFigures(dataSource: DataSource, users: number): Promise<Record<string, number>> {
  const repository = new AdminUsersRepository(dataSource);
  const list = (filter: UserListFilter, start: ListStart = { offset: 0 }) => repository.list(filter, start, PAGE_SIZE);
  const [someone] = (await dataSource.query(
    `SELECT i.openid, substr(u.nickname, length(u.nickname) - 5) AS nickname_tail
     FROM wechat_identities i JOIN users u ON u.id = i.user_id WHERE i.app_key = 'demo-website' LIMIT 1`,
  )) as Array<{ openid: string; nickname_tail: string }>;
  const lastPageStart = users - PAGE_SIZE;
  // Where the page before the last one ends, as that page hands it out.
  const { next: beforeLastPage } = await list({}, { offset: lastPageStart - PAGE_SIZE });
  if (!beforeLastPage) throw new Error(`the admin list of ${users} users has no page after ${lastPageStart - PAGE_SIZE}`);
  return {
    adminListFirstPageMs: await medianMs(() => list({})),
    adminListFilteredPageMs: await medianMs(() => list({ app: 'demo-website', linked: false, status: 'active' })),
    adminListDeepPageMs: await medianMs(() => list({}, { after: beforeLastPage })),
    adminListSearchNicknameMs: await medianMs(() => list({ q: someone.nickname_tail })),
    adminListSearchOpenidMs: await medianMs(() => list({ q: someone.openid })),
    adminListDeepPageByNumberMs: await medianMs(() => list({}, { offset: lastPageStart })),
  };
}

/**
 * The admin user list over 100,000 users with their identities, as the API
 * runs it (page of ids, users and identities, total): the median of several
 * runs, in milliseconds. Works in a database of its own, dropped afterwards.
 */
export async function benchAdminListing(databaseUrl: string): Promise<Record<string, number>> {
  return inScratchDatabase(databaseUrl, 'admin', async (dataSource) => {
    await seed(dataSource);
    const figures = await adminListFigures(dataSource, USERS);
    console.log(
      `admin listing, ${USERS.toLocaleString('en')} users, median of ${TIMED_RUNS} (ms): ` +
        Object.entries(figures)
          .map(([name, ms]) => `${name.replace(/^adminList|Ms$/g, '')} ${ms}`)
          .join(', '),
    );
    return figures;
  });
}

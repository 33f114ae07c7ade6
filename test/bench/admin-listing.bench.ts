import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AdminUsersRepository, UserListFilter } from '../../src/admin/admin-users.repository';
import { dataSourceOptions } from '../../src/app/database/data-source-options';
import { runMigrations } from '../../src/app/database/run-migrations';

const USERS = 100_000;
const RUNS = 9;
const PAGE_SIZE = 20;

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function onServer<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

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

async function median(work: () => Promise<unknown>): Promise<number> {
  await work();
  const timings: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = process.hrtime.bigint();
    await work();
    timings.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  timings.sort((a, b) => a - b);
  return Math.round(timings[Math.floor(RUNS / 2)] * 100) / 100;
}

/** The admin list as the API runs it, the median of several runs in milliseconds, over a database of `users` users. */
export async function adminListFigures(dataSource: DataSource, users: number): Promise<Record<string, number>> {
  const repository = new AdminUsersRepository(dataSource);
  const list = (filter: UserListFilter, page = 1) => repository.list(filter, page, PAGE_SIZE);
  const [someone] = (await dataSource.query(`SELECT openid FROM wechat_identities WHERE app_key = 'demo-website' LIMIT 1`)) as Array<{ openid: string }>;
  return {
    adminListFirstPageMs: await median(() => list({})),
    adminListFilteredPageMs: await median(() => list({ app: 'demo-website', linked: false, status: 'active' })),
    adminListDeepPageMs: await median(() => list({}, Math.floor(users / PAGE_SIZE))),
    adminListSearchNicknameMs: await median(() => list({ q: 'user 4242' })),
    adminListSearchOpenidMs: await median(() => list({ q: someone.openid })),
  };
}

/**
 * The admin user list over 100,000 users with their identities, as the API
 * runs it (page of ids, users and identities, total): the median of several
 * runs, in milliseconds. Works in a database of its own, dropped afterwards.
 */
export async function benchAdminListing(databaseUrl: string): Promise<Record<string, number>> {
  const database = `bench_admin_${process.pid}_${Date.now()}`;
  await onServer(databaseUrl, (client) => client.query(`CREATE DATABASE ${database}`));
  const url = withDatabase(databaseUrl, database);
  let dataSource: DataSource | undefined;
  try {
    await runMigrations(url);
    dataSource = await new DataSource(dataSourceOptions(url)).initialize();
    await seed(dataSource);
    const figures = await adminListFigures(dataSource, USERS);
    console.log(
      `admin listing, ${USERS.toLocaleString('en')} users, median of ${RUNS} (ms): ` +
        Object.entries(figures)
          .map(([name, ms]) => `${name.replace(/^adminList|Ms$/g, '')} ${ms}`)
          .join(', '),
    );
    return figures;
  } finally {
    await dataSource?.destroy();
    await onServer(databaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  }
}

import type { Pool } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { dataSourceOptions } from '../../src/app/database/data-source-options';
import { TAKE_ADVISORY_LOCKS } from '../../src/wechat-auth/core/advisory-locks';
import { Statement, StatementRunner } from '../../src/wechat-auth/core/statements';
import { loginAs, persona, startTestApp, TestApp } from '../support/test-app';

/** Every table a login, a refresh or a throttled request writes or reads. */
const HOT_TABLES = ['users', 'wechat_identities', 'sessions', 'login_events', 'code_exchanges', 'rate_limits'];

const preparedCount = async (db: { query(text: string, values: unknown[]): Promise<unknown> }, name: string) =>
  ((await db.query('SELECT count(*)::int AS count FROM pg_prepared_statements WHERE name = $1', [name])) as Array<{ count: number }>)[0].count;

/** Asks every connection of a running app's pool (all idle: every request answered) for its rows of `sql`. */
async function onEveryConnection<Row extends object>(t: TestApp, sql: string): Promise<Row[]> {
  const pool = (t.app.get(DataSource).driver as PostgresDriver).master as Pool;
  const clients = await Promise.all(Array.from({ length: pool.totalCount }, () => pool.connect()));
  try {
    const answers = await Promise.all(clients.map((client) => client.query<Row>(sql)));
    return answers.flatMap((answer) => answer.rows);
  } finally {
    for (const client of clients) client.release();
  }
}

/** The module's statements prepared on any connection of a running app's pool. */
const preparedInApp = async (t: TestApp) =>
  new Set((await onEveryConnection<{ name: string }>(t, `SELECT name FROM pg_prepared_statements WHERE name LIKE 'wechat\\_auth\\_%'`)).map((row) => row.name));

/** The server processes behind a running app's pool: a new one for every connection it opens. */
const backendsOfApp = async (t: TestApp) => new Set((await onEveryConnection<{ pid: number }>(t, 'SELECT pg_backend_pid() AS pid')).map((row) => row.pid));

describe('prepared statements of the hot paths', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(process.env.DATABASE_URL as string)).initialize();
  });

  afterAll(() => dataSource.destroy());

  it('prepares a statement once per connection under a name derived from its text, and joins the transaction it is given', async () => {
    const statement = new Statement('SELECT $1::int + 1 AS answer');
    expect(new Statement(statement.text).name).toBe(statement.name);
    expect(new Statement('SELECT $1::int + 2 AS answer').name).not.toBe(statement.name);

    await dataSource.transaction(async (transaction) => {
      const runner = new StatementRunner(dataSource, true);
      expect(await runner.rows(statement, [41], transaction)).toEqual([{ answer: 42 }]);
      expect(await runner.rows(statement, [1], transaction)).toEqual([{ answer: 2 }]);
      expect(await preparedCount(transaction, statement.name)).toBe(1);
    });
  });

  it('sends the text unnamed when prepared statements are turned off (for poolers that drop them)', async () => {
    const statement = new Statement('SELECT $1::int * 2 AS answer');
    await dataSource.transaction(async (transaction) => {
      expect(await new StatementRunner(dataSource, false).rows(statement, [21], transaction)).toEqual([{ answer: 42 }]);
      expect(await preparedCount(transaction, statement.name)).toBe(0);
    });
  });

  it('fails with the QueryFailedError and driver error code that TypeORM queries give', async () => {
    const failure = new StatementRunner(dataSource, true).rows(new Statement('SELECT 1 / $1::int AS answer'), [0]);
    await expect(failure).rejects.toBeInstanceOf(QueryFailedError);
    await expect(failure).rejects.toMatchObject({ driverError: { code: '22012' } });
  });

  describe('in the running app', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp();
    });

    afterAll(() => t.close());

    it('keeps signing people in and refreshing when a migration adds columns under it', async () => {
      const people = Array.from({ length: 20 }, () => persona());
      await Promise.all(people.map((person) => loginAs(t, person)));
      // Twice as many at once as the pool has connections, so that every connection prepares the statements
      // of a returning login, a new one and a refresh.
      const before = await Promise.all(people.map((person) => loginAs(t, person)));
      await Promise.all([...before.map((pair) => t.http.post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(200)), ...people.map(() => loginAs(t))]);
      for (const table of HOT_TABLES) await dataSource.query(`ALTER TABLE ${table} ADD COLUMN added_by_a_migration text`);
      try {
        const again = await Promise.all(people.map((person) => loginAs(t, person)));
        expect(again.map((pair) => pair.user)).toEqual(before.map((pair) => expect.objectContaining({ id: pair.user.id, isNew: false })));
        const newcomers = await Promise.all(people.map(() => loginAs(t)));
        expect(newcomers.every((pair) => pair.user.isNew)).toBe(true);
        await Promise.all(again.map((pair) => t.http.post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(200)));
      } finally {
        for (const table of HOT_TABLES) await dataSource.query(`ALTER TABLE ${table} DROP COLUMN added_by_a_migration`);
      }
    });

    it('has prepared the statements of logins and refreshes on its connections', async () => {
      const pair = await loginAs(t);
      await t.http.post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(200);
      const prepared = await preparedInApp(t);
      // Counter, code claim and settlement, lookup, lock, re-read, insert, session, rotation at the least.
      expect(prepared.size).toBeGreaterThanOrEqual(9);
      expect(prepared).toContain(TAKE_ADVISORY_LOCKS.name);
    });

    it('keeps its connections and what they prepared through a quiet spell longer than pg closes idle ones after', async () => {
      await Promise.all(Array.from({ length: 20 }, () => loginAs(t)));
      const backends = await backendsOfApp(t);
      expect(backends.size).toBe(10);
      // pg's default idle timeout is 10 s: without the pool's setting every one of these would be gone.
      await new Promise((resolve) => setTimeout(resolve, 11_000));
      expect(await backendsOfApp(t)).toEqual(backends);
      expect((await preparedInApp(t)).size).toBeGreaterThanOrEqual(9);
    }, 30_000);
  });

  it('leaves the whole flow working with DATABASE_PREPARED_STATEMENTS=false', async () => {
    const t = await startTestApp({ DATABASE_PREPARED_STATEMENTS: 'false' });
    try {
      const user = persona();
      const first = await loginAs(t, user);
      const again = await loginAs(t, user);
      expect(again.user).toMatchObject({ id: first.user.id, isNew: false });
      await t.http.post('/auth/refresh').send({ refreshToken: again.refreshToken }).expect(200);
      expect(await preparedInApp(t)).toEqual(new Set());
    } finally {
      await t.close();
    }
  });
});

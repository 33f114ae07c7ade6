import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RefreshGenerations1764340000000 } from '../../src/wechat-auth/migrations/1764340000000-refresh-generations';
import { bearer } from '../support/miniprogram-data';
import { loginAs, startTestApp, TestApp } from '../support/test-app';


describe('refresh rotation without a row per refresh', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());
  const db = () => t.app.get(DataSource);

  const refresh = (refreshToken: string) => t.http.post('/auth/refresh').send({ refreshToken });
  const rowCounts = async () =>
    ((await db().query(`SELECT (SELECT count(*) FROM sessions)::int AS sessions, (SELECT count(*) FROM refresh_tokens)::int AS refresh_tokens`)) as object[])[0];

  it('leaves the row counts unchanged over 100 refreshes of one session', async () => {
    let { refreshToken } = await loginAs(t);
    const before = await rowCounts();
    for (let i = 0; i < 100; i++) refreshToken = (await refresh(refreshToken).expect(200)).body.refreshToken as string;
    expect(await rowCounts()).toEqual(before);
  });

  it('moves a session one generation for ten refreshes fired at once: all get its next token, and no row is added', async () => {
    const pair = await loginAs(t);
    const before = await rowCounts();
    const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(pair.refreshToken)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((answer) => answer.body.refreshToken)).size).toBe(1);
    expect(await rowCounts()).toEqual(before);
    await refresh(answers[0].body.refreshToken as string).expect(200);
    await t.http.get('/auth/me').set(bearer(pair.accessToken)).expect(200);
  });

  it('recognises a token rotated many generations ago and ends the session', async () => {
    const pair = await loginAs(t);
    let current = pair.refreshToken;
    for (let i = 0; i < 5; i++) current = (await refresh(current).expect(200)).body.refreshToken as string;
    expect((await refresh(pair.refreshToken).expect(401)).body.error).toBe('refresh_token_reused');
    expect((await refresh(current).expect(401)).body.error).toBe('session_revoked');
  });

  it('refuses a token naming a real session that it did not come from', async () => {
    const pair = await loginAs(t);
    const forged = Buffer.from(pair.refreshToken, 'base64url');
    forged[forged.length - 1] ^= 1;
    expect((await refresh(forged.toString('base64url')).expect(401)).body.error).toBe('refresh_token_invalid');
    await refresh(pair.refreshToken).expect(200);
  });

  describe('sessions opened before the migration', () => {
    /** A session as the code before the migration stored it: its refresh token as a row of its own. */
    async function legacySession(userId: string): Promise<{ first: string; second: string }> {
      const [first, second] = [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')];
      const hash = (token: string) => createHash('sha256').update(token).digest();
      const runner = db().createQueryRunner();
      await runner.startTransaction();
      try {
        const migration = new RefreshGenerations1764340000000();
        await migration.down(runner);
        const [{ id }] = (await runner.query(`INSERT INTO sessions (user_id, app_key, expires_at) VALUES ($1, 'demo-miniprogram', now() + interval '30 days') RETURNING id`, [
          userId,
        ])) as Array<{ id: string }>;
        // the first token already rotated to the second, as an old refresh left them
        await runner.query(`INSERT INTO refresh_tokens (session_id, token_hash, expires_at, used_at) VALUES ($1, $2, now() + interval '30 days', now())`, [id, hash(first)]);
        await runner.query(`INSERT INTO refresh_tokens (session_id, token_hash, expires_at) VALUES ($1, $2, now() + interval '30 days')`, [id, hash(second)]);
        await migration.up(runner);
        await runner.commitTransaction();
      } catch (error) {
        await runner.rollbackTransaction();
        throw error;
      } finally {
        await runner.release();
      }
      return { first, second };
    }

    it('still refresh with the token issued before it, and go on rotating without new rows', async () => {
      const { user } = await loginAs(t);
      const { second } = await legacySession(user.id);
      const before = await rowCounts();
      const next = (await refresh(second).expect(200)).body.refreshToken as string;
      await refresh(next).expect(200);
      expect(await rowCounts()).toEqual(before);
      expect((await refresh(second).expect(401)).body.error).toBe('refresh_token_reused');
    });

    it('end when a token rotated before the migration comes back', async () => {
      const { user } = await loginAs(t);
      const { first, second } = await legacySession(user.id);
      expect((await refresh(first).expect(401)).body.error).toBe('refresh_token_reused');
      expect((await refresh(second).expect(401)).body.error).toBe('session_revoked');
    });
  });
});

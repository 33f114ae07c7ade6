import { DataSource } from 'typeorm';
import { RetentionPurge } from '../../src/wechat-auth/retention/retention-purge.service';
import { RetentionRepository } from '../../src/wechat-auth/retention/retention.repository';
import { bearer } from '../support/miniprogram-data';
import { persona, startTestApp, TestApp, TokenPairBody, wxLogin } from '../support/test-app';

describe('bounded sessions and history', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ MAX_SESSIONS_PER_USER_PER_APP: '3', PURGE_INTERVAL_SECONDS: '0', PURGE_BATCH_SIZE: '2' })));
  afterAll(() => t.close());
  const db = () => t.app.get(DataSource);
  const purge = () => t.app.get(RetentionPurge).runOnce();

  async function login(user: string): Promise<TokenPairBody> {
    return (await t.http.post('/auth/wechat/miniprogram/login').send({ code: await wxLogin(t, user) }).expect(200)).body as TokenPairBody;
  }

  it('ends the oldest session when a user opens one more than the cap in one app: its tokens are refused at once', async () => {
    const user = persona('cap');
    const pairs: TokenPairBody[] = [];
    for (let i = 0; i < 4; i++) pairs.push(await login(user));
    await t.http.get('/auth/me').set(bearer(pairs[0].accessToken)).expect(401);
    expect((await t.http.post('/auth/refresh').send({ refreshToken: pairs[0].refreshToken }).expect(401)).body.error).toBe('session_revoked');
    for (const pair of pairs.slice(1)) await t.http.get('/auth/me').set(bearer(pair.accessToken)).expect(200);
    const [{ live }] = (await db().query(`SELECT count(*)::int AS live FROM sessions WHERE user_id = $1 AND revoked_at IS NULL`, [pairs[0].user.id])) as Array<{
      live: number;
    }>;
    expect(live).toBe(3);
  });

  it('purges sessions ended or expired past the grace period and login events past retention, and keeps recent ones', async () => {
    const user = persona('purge');
    const pairs = [await login(user), await login(user), await login(user)];
    const sessionOf = (pair: TokenPairBody) => (JSON.parse(Buffer.from(pair.accessToken.split('.')[1], 'base64url').toString()) as { sid: string }).sid;
    const [expiredLongAgo, endedLongAgo, endedYesterday] = pairs.map(sessionOf);
    await db().query(`UPDATE sessions SET expires_at = now() - interval '8 days' WHERE id = $1`, [expiredLongAgo]);
    await db().query(`UPDATE sessions SET revoked_at = now() - interval '8 days' WHERE id = $1`, [endedLongAgo]);
    await db().query(`UPDATE sessions SET revoked_at = now() - interval '1 day' WHERE id = $1`, [endedYesterday]);
    const userId = pairs[0].user.id;
    const events = (await db().query(`SELECT id FROM login_events WHERE user_id = $1 ORDER BY created_at`, [userId])) as Array<{ id: string }>;
    await db().query(`UPDATE login_events SET created_at = now() - interval '181 days' WHERE id = $1`, [events[0].id]);
    await db().query(`UPDATE login_events SET created_at = now() - interval '179 days' WHERE id = $1`, [events[1].id]);

    const report = await purge();
    expect(report).toMatchObject({ sessions: expect.any(Number), loginEvents: expect.any(Number) });
    expect(report!.sessions).toBeGreaterThanOrEqual(2);
    expect(report!.loginEvents).toBeGreaterThanOrEqual(1);
    const sessionsLeft = (await db().query(`SELECT id FROM sessions WHERE user_id = $1`, [userId])) as Array<{ id: string }>;
    expect(sessionsLeft.map((row) => row.id)).toEqual([endedYesterday]);
    const eventsLeft = (await db().query(`SELECT id FROM login_events WHERE user_id = $1`, [userId])) as Array<{ id: string }>;
    expect(eventsLeft.map((row) => row.id).sort()).toEqual(events.slice(1).map((row) => row.id).sort());
    // a token of a session still within the grace period is still recognised
    expect((await t.http.post('/auth/refresh').send({ refreshToken: pairs[2].refreshToken }).expect(401)).body.error).toBe('session_revoked');
  });

  it('purges on one instance at a time', async () => {
    // Hold up a purge inside its run (its DELETE waits for this lock), then start another.
    const blocker = db().createQueryRunner();
    await blocker.startTransaction();
    await blocker.query('LOCK TABLE login_events IN SHARE MODE');
    const first = purge();
    await new Promise((resolve) => setTimeout(resolve, 300));
    try {
      expect(await purge()).toBeNull();
    } finally {
      await blocker.commitTransaction();
      await blocker.release();
    }
    expect(await first).not.toBeNull();
    expect(await purge()).not.toBeNull();
  });

  it('deletes in bounded batches until nothing is left', async () => {
    const user = persona('batches');
    const pairs = [];
    for (let i = 0; i < 5; i++) pairs.push(await login(user));
    const userId = pairs[0].user.id;
    await db().query(`UPDATE sessions SET revoked_at = now() - interval '30 days' WHERE user_id = $1`, [userId]);
    const oneBatch = await t.app.get(RetentionRepository).whileHoldingPurgeLock((runner) => t.app.get(RetentionRepository).deleteEndedSessions(runner, 7, 2));
    expect(oneBatch).toBe(2);
    const report = await purge();
    expect(report!.sessions).toBeGreaterThanOrEqual(3);
    const [{ left }] = (await db().query(`SELECT count(*)::int AS left FROM sessions WHERE user_id = $1`, [userId])) as Array<{ left: number }>;
    expect(left).toBe(0);
  });
});

import * as jwt from 'jsonwebtoken';
import { setTimeout as sleep } from 'node:timers/promises';
import { bearer, database } from '../support/admin';
import { loginAs, startTestApp, TestApp, TokenPairBody } from '../support/test-app';

const refresh = (t: TestApp, refreshToken: string) => t.http.post('/auth/refresh').send({ refreshToken });
const sessionOf = (accessToken: string) => (jwt.decode(accessToken) as { sid: string }).sid;

/** Two tabs refreshing at once, or a retry after a lost answer: the same refresh token twice within a few seconds. */
describe('a refresh token presented twice within the grace window', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('gives every copy fired at once the same new pair, round after round, and the session lives on', async () => {
    let pair = await loginAs(t);
    const session = sessionOf(pair.accessToken);
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all([1, 2, 3].map(() => refresh(t, pair.refreshToken)));
      expect(answers.map((answer) => [answer.status, answer.body.error])).toEqual([
        [200, undefined],
        [200, undefined],
        [200, undefined],
      ]);
      const pairs = answers.map((answer) => answer.body as TokenPairBody);
      expect(new Set(pairs.map((next) => next.refreshToken)).size).toBe(1);
      expect(pairs[0].refreshToken).not.toBe(pair.refreshToken);
      for (const next of pairs) {
        expect(sessionOf(next.accessToken)).toBe(session);
        await t.http.get('/auth/me').set(bearer(next.accessToken)).expect(200);
      }
      pair = pairs[0];
    }
    await t.http.get('/auth/me').set(bearer((await refresh(t, pair.refreshToken).expect(200)).body.accessToken as string)).expect(200);
  });

  it('answers a retry of a refresh whose answer was lost with the same pair, writing nothing', async () => {
    const pair = await loginAs(t);
    const first = (await refresh(t, pair.refreshToken).expect(200)).body as TokenPairBody;
    const sessionRow = () => database(t).query(`SELECT xmin::text, refresh_generation, expires_at FROM sessions WHERE id = $1`, [sessionOf(pair.accessToken)]);
    const before = await sessionRow();
    const retry = (await refresh(t, pair.refreshToken).expect(200)).body as TokenPairBody;
    expect(await sessionRow()).toEqual(before);
    expect(retry.refreshToken).toBe(first.refreshToken);
    expect(retry.user).toEqual(first.user);
    await t.http.get('/auth/me').set(bearer(retry.accessToken)).expect(200);
    await refresh(t, retry.refreshToken).expect(200);
  });

  it('never revives a session that ended in the meantime', async () => {
    const pair = await loginAs(t);
    const next = (await refresh(t, pair.refreshToken).expect(200)).body as TokenPairBody;
    await t.http.post('/auth/logout').set(bearer(next.accessToken)).expect(204);
    // As any spent token of an ended session: refused, never a new pair.
    expect((await refresh(t, pair.refreshToken).expect(401)).body.error).toBe('refresh_token_reused');
  });
});

describe('a spent refresh token presented after the grace window', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ REFRESH_TOKEN_GRACE_SECONDS: '1' })));
  afterAll(() => t.close());

  it('is a reuse: the whole session ends, the tokens it was rotated to with it', async () => {
    const pair = await loginAs(t);
    const next = (await refresh(t, pair.refreshToken).expect(200)).body as TokenPairBody;
    await sleep(1_500);
    expect((await refresh(t, pair.refreshToken).expect(401)).body.error).toBe('refresh_token_reused');
    expect((await refresh(t, next.refreshToken).expect(401)).body.error).toBe('session_revoked');
    expect((await t.http.get('/auth/me').set(bearer(next.accessToken)).expect(401)).body.error).toBe('session_revoked');
  });
});

describe('with the grace window turned off (REFRESH_TOKEN_GRACE_SECONDS=0)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ REFRESH_TOKEN_GRACE_SECONDS: '0' })));
  afterAll(() => t.close());

  it('lets exactly one of two refreshes fired at once win, and ends the session as a reuse', async () => {
    const pair = await loginAs(t);
    const answers = await Promise.all([1, 2].map(() => refresh(t, pair.refreshToken)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
    expect(answers.find((answer) => answer.status === 401)!.body.error).toBe('refresh_token_reused');
    const winner = answers.find((answer) => answer.status === 200)!.body as TokenPairBody;
    expect((await refresh(t, winner.refreshToken).expect(401)).body.error).toBe('session_revoked');
  });
});

import { randomUUID } from 'node:crypto';
import { bearer, database, signInAsAdmin } from '../support/admin';
import { OFFICIAL_ACCOUNT, oauthLogin, setPersona } from '../support/oauth';
import { loginAs, MINIPROGRAM, persona, startTestApp, TestApp, TokenPairBody, unknownCode } from '../support/test-app';

interface SignInDay {
  day: string;
  signIns: Record<string, number>;
  newUsers: number;
  failures: Record<string, number>;
  merges: number;
}

const DAY_MS = 86_400_000;

/** The date of `instant` in `timeZone`, as the API writes days. */
function dateIn(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

describe('admin sign-in statistics', () => {
  let t: TestApp;
  let admin: TokenPairBody;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signInAsAdmin(t);
  });
  afterAll(() => t.close());

  async function stats(query: Record<string, string | number> = {}): Promise<{ timeZone: string; days: SignInDay[] }> {
    return (await t.http.get('/admin/api/stats').query(query).set(bearer(admin.accessToken)).expect(200)).body;
  }

  const today = async (timeZone = 'UTC') => (await stats({ days: 1, timeZone })).days[0];

  it('lists one entry per day, oldest first, ending today in the asked time zone', async () => {
    const body = await stats({ timeZone: 'Asia/Shanghai' });
    expect(body.timeZone).toBe('Asia/Shanghai');
    expect(body.days).toHaveLength(30);
    expect(body.days[29].day).toBe(dateIn(new Date(), 'Asia/Shanghai'));
    expect(body.days[0].day).toBe(dateIn(new Date(Date.now() - 29 * DAY_MS), 'Asia/Shanghai'));
    expect((await stats()).days).toHaveLength(30);
    expect((await stats({ days: 7 })).days).toHaveLength(7);
  });

  it('counts today’s sign-ins per app, new users, failures per error code and merges', async () => {
    const before = await today();
    await loginAs(t, persona('stats-a'));
    await loginAs(t, persona('stats-b'));
    const returning = persona('stats-c');
    await loginAs(t, returning);
    await loginAs(t, returning);
    for (let i = 0; i < 2; i++) await t.http.post('/auth/wechat/miniprogram/login').send({ code: unknownCode() }).expect(401);
    // Two users that turn out to be one person: the Mini Program user is merged into the Official Account one.
    const merging = persona('stats-merge');
    await setPersona(t, { user: merging, unionidWithheld: true });
    await loginAs(t, merging);
    await setPersona(t, { user: merging, unionidWithheld: false });
    await oauthLogin(t, merging, { scope: 'snsapi_userinfo' });
    await loginAs(t, merging);

    const after = await today();
    const grew = (now: Record<string, number>, then: Record<string, number>, key: string) => (now[key] ?? 0) - (then[key] ?? 0);
    expect(grew(after.signIns, before.signIns, MINIPROGRAM.key)).toBe(6);
    expect(grew(after.signIns, before.signIns, OFFICIAL_ACCOUNT.key)).toBe(1);
    expect(grew(after.failures, before.failures, 'wechat_code_invalid')).toBe(2);
    expect(after.merges - before.merges).toBe(1);
    // Four people signed up; the merged-away user no longer exists.
    expect(after.newUsers - before.newUsers).toBe(4);
  });

  it('counts earlier days from the login history, in the asked time zone', async () => {
    const app = `stats-${randomUUID().slice(0, 8)}`;
    // 20:30 UTC three days ago is already the next day in Shanghai (UTC+8).
    const instant = new Date(Date.now() - 3 * DAY_MS);
    instant.setUTCHours(20, 30, 0, 0);
    const db = database(t);
    await db.query(
      `INSERT INTO login_events (kind, app_key, result, error_code, created_at)
       SELECT 'miniprogram', $1, 'success', NULL, $2::timestamptz FROM generate_series(1, 5)
       UNION ALL SELECT 'miniprogram', $1, 'failure', 'wechat_unavailable', $2::timestamptz`,
      [app, instant],
    );
    // Hours already counted by earlier runs on this database are final; make this one count again.
    await db.query(`DELETE FROM login_event_hours WHERE hour = date_trunc('hour', $1::timestamptz, 'UTC')`, [instant]);

    const shanghai = (await stats({ timeZone: 'Asia/Shanghai' })).days;
    const utc = (await stats({ timeZone: 'UTC' })).days;
    const dayWith = (days: SignInDay[]) => days.filter((day) => day.signIns[app]).map((day) => [day.day, day.signIns[app]]);
    expect(dayWith(shanghai)).toEqual([[dateIn(instant, 'Asia/Shanghai'), 5]]);
    expect(dayWith(utc)).toEqual([[dateIn(instant, 'UTC'), 5]]);
    expect(dateIn(instant, 'Asia/Shanghai')).not.toBe(dateIn(instant, 'UTC'));
    expect(shanghai.find((day) => day.day === dateIn(instant, 'Asia/Shanghai'))!.failures.wechat_unavailable).toBeGreaterThanOrEqual(1);

    // Asked again (the hour is counted now), the figures stay the same.
    expect(dayWith((await stats({ timeZone: 'Asia/Shanghai' })).days)).toEqual([[dateIn(instant, 'Asia/Shanghai'), 5]]);
  });

  it('counts an hour once when two admins ask at the same moment', async () => {
    const app = `stats-${randomUUID().slice(0, 8)}`;
    const instant = new Date(Date.now() - 5 * DAY_MS);
    const db = database(t);
    await db.query(`INSERT INTO login_events (kind, app_key, result, created_at) SELECT 'miniprogram', $1, 'success', $2::timestamptz FROM generate_series(1, 3)`, [app, instant]);
    await db.query(`DELETE FROM login_event_hours WHERE hour = date_trunc('hour', $1::timestamptz, 'UTC')`, [instant]);
    const answers = await Promise.all(Array.from({ length: 5 }, () => stats()));
    for (const answer of answers) expect(answer.days.find((day) => day.signIns[app])?.signIns[app]).toBe(3);
  });

  it.each([
    ['days=0', { days: 0 }],
    ['days=91', { days: 91 }],
    ['days=abc', { days: 'abc' }],
    ['days=1.5', { days: 1.5 }],
    ['a time zone that is not a name', { timeZone: 'not a zone' }],
    ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }],
    ['an unknown field', { extra: 1 }],
  ])('refuses %s with invalid_request', async (_label, query) => {
    const response = await t.http.get('/admin/api/stats').query(query).set(bearer(admin.accessToken)).expect(400);
    expect(response.body).toEqual({ statusCode: 400, error: 'invalid_request', message: expect.any(String) });
  });

  it('is for admins only', async () => {
    expect((await t.http.get('/admin/api/stats').expect(401)).body.error).toBe('unauthorized');
    const user = await loginAs(t);
    expect((await t.http.get('/admin/api/stats').set(bearer(user.accessToken)).expect(403)).body.error).toBe('forbidden');
  });
});

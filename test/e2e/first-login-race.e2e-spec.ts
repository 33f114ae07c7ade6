import { DataSource } from 'typeorm';
import { MINIPROGRAM, persona, startTestApp, TestApp, wxLogin } from '../support/test-app';

describe('first logins at once', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('turns 50 simultaneous first logins of one persona into one user and one identity, all 200', async () => {
    const user = persona('racer');
    const codes = await Promise.all(Array.from({ length: 50 }, () => wxLogin(t, user)));
    const responses = await Promise.all(codes.map((code) => t.http.post('/auth/wechat/miniprogram/login').send({ code })));

    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    const userIds = new Set(responses.map((response) => response.body.user.id as string));
    expect(userIds.size).toBe(1);
    expect(responses.filter((response) => response.body.user.isNew)).toHaveLength(1);

    const [row] = (await t.app.get(DataSource).query(
      `SELECT count(*)::int AS identities, count(DISTINCT user_id)::int AS users
       FROM wechat_identities WHERE appid = $1 AND user_id = $2`,
      [MINIPROGRAM.appid, [...userIds][0]],
    )) as Array<{ identities: number; users: number }>;
    expect(row).toEqual({ identities: 1, users: 1 });
  });
});

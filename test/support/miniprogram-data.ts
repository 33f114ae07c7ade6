import { DataSource } from 'typeorm';
import { MINIPROGRAM, TestApp, upstreamCalls } from './test-app';

export const PHONE = '/auth/wechat/miniprogram/phone';
export const PROFILE = '/auth/wechat/miniprogram/profile';
export const STABLE_TOKEN = '/cgi-bin/stable_token';
export const GET_PHONE_NUMBER = '/wxa/business/getuserphonenumber';

export interface SealedUserData {
  encryptedData: string;
  iv: string;
  rawData: string;
  signature: string;
}

export const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` });

/** How many calls to each of `paths` WeChat got while `work` ran. */
export async function callsDuring(t: TestApp, paths: string[], work: () => Promise<unknown>): Promise<number[]> {
  const before = await Promise.all(paths.map((path) => upstreamCalls(t, path)));
  await work();
  const after = await Promise.all(paths.map((path) => upstreamCalls(t, path)));
  return after.map((count, i) => count - before[i]);
}

/** What the getPhoneNumber button gives `user`. */
export async function phoneCode(t: TestApp, user: string, phone?: string): Promise<string> {
  const response = await t.http.post('/sandbox/phone-code').send({ appid: MINIPROGRAM.appid, user, phone }).expect(200);
  return response.body.code as string;
}

/** `data` sealed as the Mini Program would hand it over, with `user`'s current session_key. */
export async function sealUserData(t: TestApp, user: string, data: Record<string, unknown>): Promise<SealedUserData> {
  const response = await t.http.post('/sandbox/encrypted-data').send({ appid: MINIPROGRAM.appid, user, data }).expect(200);
  return response.body as SealedUserData;
}

/** Makes the cached app token due and WeChat's copy of it `secondsLeft` from its end, as if two hours had passed. */
export async function ageAppToken(sandboxUrl: string, db: DataSource, secondsLeft: number, appid = MINIPROGRAM.appid): Promise<void> {
  const response = await fetch(`${sandboxUrl}/app-token/age`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appid, secondsLeft }),
  });
  if (response.status !== 204) throw new Error(`sandbox refused to age the token: ${response.status}`);
  await db.query(`UPDATE wechat_app_tokens SET expires_at = now() + $2 * interval '1 second', refresh_after = now() WHERE appid = $1`, [appid, secondsLeft]);
}

/** As if someone force-refreshed the app's stable token elsewhere: WeChat refuses the one we cached (40001). */
export async function invalidateAppToken(sandboxUrl: string, appid = MINIPROGRAM.appid): Promise<void> {
  const response = await fetch(`${sandboxUrl}/app-token/invalidate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appid }),
  });
  if (response.status !== 204) throw new Error(`sandbox refused to invalidate the token: ${response.status}`);
}

/** The cached token row as stored (sealed). */
export async function storedAppToken(db: DataSource, appid = MINIPROGRAM.appid): Promise<{ access_token: string; expires_at: Date } | undefined> {
  const rows = (await db.query('SELECT access_token, expires_at FROM wechat_app_tokens WHERE appid = $1', [appid])) as Array<{ access_token: string; expires_at: Date }>;
  return rows[0];
}

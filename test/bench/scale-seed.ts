import { DataSource } from 'typeorm';

/** What the sandbox calls a persona's id in one app (sandbox-world's stableId), in SQL. */
const stableId = (prefix: string, seed: string) => `'${prefix}' || substr(translate(encode(sha256(convert_to(${seed}, 'UTF8')), 'base64'), '+/', '-_'), 1, 27)`;

export const MINIPROGRAM_APPID = 'wxd000000000000001';
const WEBSITE_APPID = 'wxd000000000000003';

/** The sandbox persona behind seeded user number `n`: logging in as it finds that user. */
export const seededPersona = (n: number) => `scale-${n}`;

/** Seeded users numbered like this are active and carry a unionid as the sandbox gives it: their logins succeed and change no link. */
export const signsInPlainly = (n: number) => n % 3 !== 0 && n % 50 !== 0;

/**
 * Adds users `from`..`to` (inclusive) with set-based SQL, like a real
 * population: two in three linked by a unionid, all in the Mini Program,
 * three in ten also on the website (1.3 identities a user), three sessions
 * each over the last month (one in a hundred ended more than a week ago:
 * the purge's share) and `eventsPerUser` login events over 182 days
 * (about one in a hundred past the 180-day retention).
 */
export async function seedUsers(db: DataSource, from: number, to: number, eventsPerUser: number): Promise<void> {
  await db.query(
    `INSERT INTO users (unionid, nickname, status, created_at, last_login_at)
     SELECT CASE WHEN g % 3 <> 0 THEN ${stableId('u', `'union:scale-' || g`)} END,
            'user ' || g || ' ' || substr(md5('n' || g), 1, 6),
            CASE WHEN g % 50 = 0 THEN 'disabled' ELSE 'active' END,
            now() - make_interval(secs => g), now() - make_interval(secs => g / 2)
     FROM generate_series($1::int, $2::int) AS g`,
    [from, to],
  );
  const seeded = `SELECT * FROM (SELECT id, unionid, last_login_at, (regexp_match(nickname, '^user (\\d+) '))[1]::int AS g FROM users) AS u
                  WHERE g BETWEEN $1 AND $2`;
  for (const [appKey, appid, appType, which] of [
    ['demo-miniprogram', MINIPROGRAM_APPID, 'miniprogram', 'true'],
    ['demo-website', WEBSITE_APPID, 'website', 'g % 10 < 3'],
  ]) {
    await db.query(
      `INSERT INTO wechat_identities (user_id, app_key, appid, app_type, openid, unionid, last_login_at)
       SELECT id, $3, $4::text, $5, ${stableId('o', `$4::text || ':scale-' || g`)}, unionid, last_login_at FROM (${seeded}) AS s WHERE ${which}`,
      [from, to, appKey, appid, appType],
    );
  }
  await db.query(
    `INSERT INTO sessions (user_id, app_key, created_at, expires_at, revoked_at, revoked_reason)
     SELECT id, 'demo-miniprogram', opened, opened + interval '30 days',
            CASE WHEN (g + k) % 100 = 0 THEN now() - interval '8 days' END, CASE WHEN (g + k) % 100 = 0 THEN 'logout' END
     FROM (${seeded}) AS s, generate_series(1, 3) AS k, LATERAL (SELECT now() - make_interval(secs => (g * 7 + k * 86400) % (29 * 86400)) AS opened) AS o`,
    [from, to],
  );
  await db.query(
    `INSERT INTO login_events (user_id, kind, app_key, result, ip, created_at)
     SELECT id, 'miniprogram', 'demo-miniprogram', 'success', '198.51.100.' || (g % 250), now() - make_interval(secs => ((g::bigint * 7919 + k * 104729) % (182 * 86400)))
     FROM (${seeded}) AS s, generate_series(1, $3::int) AS k`,
    [from, to, eventsPerUser],
  );
  for (const table of ['users', 'wechat_identities', 'sessions', 'login_events']) await db.query(`VACUUM ANALYZE ${table}`);
}

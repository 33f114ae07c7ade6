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
  await seedLoginEvents(db, from, to, eventsPerUser);
  for (const table of ['users', 'wechat_identities', 'sessions', 'login_events']) await db.query(`VACUUM ANALYZE ${table}`);
  // The seed leaves gigabytes of dirty pages; without a checkpoint now, the server writes them out while the
  // figures are taken, and they measure the seed's write-back rather than the app.
  await db.query('CHECKPOINT').catch((error: Error) => console.log(`no CHECKPOINT after seeding (${error.message}): figures may include its write-back`));
}

const EVENT_SLOTS_PER_STATEMENT = 1_000_000;
const EVENTS_SPAN_SECONDS = 182 * 86400;

/**
 * Login events of users `from`..`to`, written oldest first as a live table
 * receives them, so the rows past retention fill the table's first pages as
 * they would in production (scattered over every page, each purge batch
 * would rewrite a thousand pages). Slot i of the span goes to the user
 * `from + (i × 7919 mod count)`: every user gets `eventsPerUser` events,
 * evenly spread over 182 days.
 */
async function seedLoginEvents(db: DataSource, from: number, to: number, eventsPerUser: number): Promise<void> {
  const count = to - from + 1;
  const slots = count * eventsPerUser;
  await db.query('DROP TABLE IF EXISTS scale_seed_numbers');
  await db.query(
    `CREATE UNLOGGED TABLE scale_seed_numbers AS
     SELECT g, id FROM (SELECT id, (regexp_match(nickname, '^user (\\d+) '))[1]::int AS g FROM users) AS u WHERE g BETWEEN $1 AND $2`,
    [from, to],
  );
  await db.query('ALTER TABLE scale_seed_numbers ADD PRIMARY KEY (g)');
  for (let first = 0; first < slots; first += EVENT_SLOTS_PER_STATEMENT) {
    const last = Math.min(first + EVENT_SLOTS_PER_STATEMENT, slots) - 1;
    await db.transaction(async (manager) => {
      // The chunk is sorted in memory rather than in temporary files.
      await manager.query(`SET LOCAL work_mem = '256MB'`);
      await manager.query(
        `INSERT INTO login_events (user_id, kind, app_key, result, ip, created_at)
         SELECT n.id, 'miniprogram', 'demo-miniprogram', 'success', '198.51.100.' || (n.g % 250),
                now() - make_interval(secs => $5::double precision * ($4 - i) / $4)
         FROM generate_series($1::bigint, $2::bigint) AS i
         JOIN scale_seed_numbers AS n ON n.g = $3 + (i * 7919) % $6
         ORDER BY i`,
        [first, last, from, slots, EVENTS_SPAN_SECONDS, count],
      );
    });
  }
  await db.query('DROP TABLE scale_seed_numbers');
}

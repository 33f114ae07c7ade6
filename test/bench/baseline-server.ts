import { createCipheriv, createHash, createSecretKey, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import * as jwt from 'jsonwebtoken';
import { Pool, PoolClient } from 'pg';
import { DEMO_APPS } from '../../src/sandbox/demo-apps';
import { freePort } from '../support/global-setup';
import { BENCH_JWT_SECRET } from './bench-settings';
import { reportToParent } from './child-stats';

/**
 * The bare baseline: the same Mini Program login with the same database work
 * (the throttling counter of the code, the code claimed and settled in code_exchanges,
 * user and identity upsert under the same lock, the session_key sealed with
 * AES-256-GCM, session and refresh token rows, a login event) and the same
 * JWT signing, with plain node:http and pg: no framework, no validation
 * layer, no logging. The difference to the app is what the app's layers cost.
 */
const app = DEMO_APPS.find((candidate) => candidate.type === 'miniprogram')!;
// The app's pool settings (data-source-options), so that the difference stays what the app's layers cost.
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10, idleTimeoutMillis: 0, keepAlive: true });
const key = createSecretKey(Buffer.from(BENCH_JWT_SECRET));
const dataKey = randomBytes(32);

function seal(plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(Buffer.from(context));
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', 'bench', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), sealed.toString('base64url')].join('.');
}

async function countHit(key: string): Promise<void> {
  await pool.query(
    `INSERT INTO rate_limits AS r (key, hits, window_ends_at) VALUES ($1, 1, now() + interval '1 minute')
     ON CONFLICT (key) DO UPDATE SET hits = r.hits + 1`,
    [key],
  );
}
const sandboxUrl = process.env.WECHAT_API_BASE_URL!;

async function readBody(req: IncomingMessage): Promise<{ code?: string }> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return JSON.parse(text) as { code?: string };
}

async function resolveUser(db: PoolClient, openid: string, unionid: string | null): Promise<{ id: string; identityId: string; isNew: boolean }> {
  const found = await db.query('SELECT id, user_id FROM wechat_identities WHERE appid = $1 AND openid = $2', [app.appid, openid]);
  if (found.rows[0]) {
    await db.query('UPDATE wechat_identities SET last_login_at = now() WHERE appid = $1 AND openid = $2', [app.appid, openid]);
    await db.query('UPDATE users SET last_login_at = now() WHERE id = $1', [found.rows[0].user_id]);
    return { id: found.rows[0].user_id as string, identityId: found.rows[0].id as string, isNew: false };
  }
  await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`identity:${app.appid}:${openid}`]);
  const user = await db.query('INSERT INTO users (unionid, last_login_at) VALUES ($1, now()) RETURNING id', [unionid]);
  const identity = await db.query(
    `INSERT INTO wechat_identities (user_id, app_key, appid, app_type, openid, unionid, last_login_at) VALUES ($1, $2, $3, 'miniprogram', $4, $5, now()) RETURNING id`,
    [user.rows[0].id, app.key, app.appid, openid, unionid],
  );
  return { id: user.rows[0].id as string, identityId: identity.rows[0].id as string, isNew: true };
}

async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { code } = await readBody(req);
  await countHit(`credential:${code}`);
  const codeHash = createHash('sha256').update(`${app.appid}:${code}`).digest();
  await pool.query(`INSERT INTO code_exchanges (code_hash, app_key, expires_at) VALUES ($1, $2, now() + interval '5 minutes')`, [codeHash, app.key]);
  const query = new URLSearchParams({ appid: app.appid, secret: app.secret, js_code: code ?? '', grant_type: 'authorization_code' });
  const answer = JSON.parse(await (await fetch(`${sandboxUrl}/sns/jscode2session?${query}`)).text()) as {
    openid?: string;
    unionid?: string;
    session_key?: string;
  };
  await pool.query(`UPDATE code_exchanges SET status = 'done', identity = $2 WHERE code_hash = $1`, [
    codeHash,
    JSON.stringify({ openid: answer.openid, unionid: answer.unionid ?? null }),
  ]);
  if (!answer.openid) {
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"wechat_code_invalid"}');
    return;
  }
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    const user = await resolveUser(db, answer.openid, answer.unionid ?? null);
    const expiresAt = new Date(Date.now() + 2_592_000_000);
    const session = await db.query('INSERT INTO sessions (user_id, app_key, expires_at) VALUES ($1, $2, $3) RETURNING id', [user.id, app.key, expiresAt]);
    const refreshToken = randomBytes(32).toString('base64url');
    await db.query('INSERT INTO refresh_tokens (session_id, token_hash, expires_at) VALUES ($1, $2, $3)', [
      session.rows[0].id,
      createHash('sha256').update(refreshToken).digest(),
      expiresAt,
    ]);
    await db.query('COMMIT');
    await db.query('UPDATE wechat_identities SET session_key = $2 WHERE id = $1', [
      user.identityId,
      seal(answer.session_key ?? '', `wechat_identities.session_key:${user.identityId}`),
    ]);
    await db.query(`INSERT INTO login_events (user_id, kind, app_key, result) VALUES ($1, 'miniprogram', $2, 'success')`, [user.id, app.key]);
    const accessToken = jwt.sign({ sid: session.rows[0].id, roles: ['user'] }, key, {
      algorithm: 'HS256',
      header: { alg: 'HS256', typ: 'at+jwt', kid: 'bench' },
      issuer: 'wechat-auth',
      audience: 'wechat-auth',
      subject: user.id,
      expiresIn: 900,
    });
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ accessToken, refreshToken, tokenType: 'Bearer', expiresIn: 900, user: { id: user.id, isNew: user.isNew } }));
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    db.release();
  }
}

async function serve(): Promise<void> {
  const port = await freePort();
  const server = createServer((req, res) => {
    login(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  reportToParent(`http://127.0.0.1:${port}`, async () => {
    server.close();
    await pool.end();
  });
}

void serve();

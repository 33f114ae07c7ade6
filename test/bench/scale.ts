import { randomInt, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '../../src/app/config/app-config';
import { dataSourceOptions } from '../../src/app/database/data-source-options';
import { runMigrations } from '../../src/app/database/run-migrations';
import { WechatAuthConfig } from '../../src/wechat-auth/options/wechat-auth-config';
import { RetentionPurge } from '../../src/wechat-auth/retention/retention-purge.service';
import { RetentionRepository } from '../../src/wechat-auth/retention/retention.repository';
import { adminListFigures } from './admin-listing.bench';
import { onServer, withDatabase } from './scratch-database';
import { BenchChild, startChild } from './bench-child';
import { PRODUCTION_NODE_OPTIONS } from './bench-settings';
import { loginCodes, OpenLoopClient, post, tokenPair } from './login.bench';
import { signsInPlainly, seededPersona, seedUsers } from './scale-seed';
import { measureWrites, perOperation } from './write-meter';
import { watchLockWaits } from './lock-waits';

// Settable, so a small machine can run a smaller version; the report says what ran.
const SIZES = (process.env.BENCH_SCALE_SIZES ?? '100000,1000000').split(',').map(Number);
const EVENTS_PER_USER = Number(process.env.BENCH_SCALE_EVENTS_PER_USER ?? 20);
const RATE = 100;
// The p99 of 1,500 logins is their fifteenth slowest: one stall of this shared machine does not decide it.
const SECONDS = 15;
const WRITE_SAMPLES = 50;
// Logins sent while the purge runs stop when it ends, or after this long.
const PURGE_WATCH_SECONDS = 60;
const DATABASE = 'wechat_auth_scale';

type Figures = Record<string, string | number>;

const fixed = (ms: number) => Math.round(ms * 10) / 10;

async function tableRows(db: DataSource): Promise<string> {
  const [counts] = (await db.query(
    `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM wechat_identities) AS identities,
            (SELECT count(*) FROM sessions) AS sessions, (SELECT count(*) FROM login_events) AS events`,
  )) as Array<Record<string, string>>;
  return Object.entries(counts)
    .map(([name, count]) => `${Number(count).toLocaleString('en')} ${name}`)
    .join(', ');
}

/** `count` (at most half of `users`) distinct seeded users who keep their unionid on login, picked at random among the first `users`. */
function returningPersonas(users: number, count: number): string[] {
  const picked = new Set<number>();
  // Some two in three users qualify: a small run asks for fewer rather than for more than there are.
  const wanted = Math.min(count, Math.floor(users / 2));
  while (picked.size < wanted) {
    const n = randomInt(1, users + 1);
    if (signsInPlainly(n)) picked.add(n);
  }
  return [...picked].map(seededPersona);
}

async function measure(db: DataSource, url: string, app: BenchChild, client: OpenLoopClient, sandboxUrl: string, users: number): Promise<Figures> {
  const logins = (codes: string[]) => codes.map((code) => ({ path: '/auth/wechat/miniprogram/login', body: { code } }));
  const refreshes = (pairs: Array<Record<string, unknown>>) => pairs.map((pair) => ({ path: '/auth/refresh', body: { refreshToken: pair.refreshToken } }));
  const count = RATE * SECONDS;
  // A fresh process compiles and fills its pools on its first logins, and the seed just left the tables'
  // pages out of the cache and the statements' plans out of date: not what the figures are about.
  const warmUp = await loginCodes(sandboxUrl, [...Array.from({ length: RATE }, () => `scale-warm-${randomUUID()}`), ...returningPersonas(users, RATE)]);
  await client.tokenPairs(app.url, logins(warmUp), RATE);
  const newUsers = await client.tokenPairs(app.url, logins(await loginCodes(sandboxUrl, Array.from({ length: count }, () => `scale-new-${randomUUID()}`))), RATE);
  const returning = await client.tokenPairs(app.url, logins(await loginCodes(sandboxUrl, returningPersonas(users, count))), RATE);
  const refresh = await client.tokenPairs(app.url, refreshes(returning.answers), RATE);
  const admin = await adminListFigures(db, users);
  // The app's defaults, as a deployment that sets nothing runs it.
  const { retention } = loadAppConfig({ NODE_ENV: 'test' });
  // Returning logins at the steady rate for as long as the purge runs: what its batches make a login wait.
  const duringPurgeCodes = await loginCodes(sandboxUrl, returningPersonas(users, RATE * PURGE_WATCH_SECONDS));
  const purgeRun = new RetentionPurge({ retention } as WechatAuthConfig, new RetentionRepository(db)).runOnce();
  const lockWaits = watchLockWaits(url, purgeRun);
  const duringPurge = await client.tokenPairs(app.url, logins(duringPurgeCodes), RATE, purgeRun);
  const purge = await purgeRun;
  const { samples: lockWaitSamples, longestMs: longestLockWaitMs } = await lockWaits;

  const sample = returningPersonas(users, WRITE_SAMPLES);
  const samplePairs: Array<Record<string, unknown>> = [];
  const sampleCodes = await loginCodes(sandboxUrl, sample);
  const loginWrites = await measureWrites(url, async () => {
    for (const code of sampleCodes) samplePairs.push(tokenPair(await post(`${app.url}/auth/wechat/miniprogram/login`, { code })));
  });
  const refreshWrites = await measureWrites(url, async () => {
    for (const pair of samplePairs) tokenPair(await post(`${app.url}/auth/refresh`, { refreshToken: pair.refreshToken }));
  });
  return {
    'login, new user p50 (ms)': fixed(newUsers.p50Ms),
    'login, new user p99 (ms)': fixed(newUsers.p99Ms),
    'login, returning p50 (ms)': fixed(returning.p50Ms),
    'login, returning p99 (ms)': fixed(returning.p99Ms),
    'refresh p50 (ms)': fixed(refresh.p50Ms),
    'refresh p99 (ms)': fixed(refresh.p99Ms),
    ...Object.fromEntries(Object.entries(admin).map(([name, ms]) => [`admin ${name.replace(/^adminList|Ms$/g, '')} (ms)`, ms])),
    'purge duration (ms)': purge?.ms ?? 'skipped',
    'purge sessions removed': purge?.sessions ?? 'skipped',
    'purge login events removed': purge?.loginEvents ?? 'skipped',
    'logins during the purge': duringPurge.count,
    'login p99 during the purge (ms)': fixed(duringPurge.p99Ms),
    'login max during the purge (ms)': fixed(duringPurge.maxMs),
    'longest lock wait during the purge (ms)': longestLockWaitMs === 0 ? 'none seen' : `${fixed(longestLockWaitMs)} (${lockWaitSamples} samples)`,
    'writes per returning login': perOperation(loginWrites, WRITE_SAMPLES),
    'writes per refresh': perOperation(refreshWrites, WRITE_SAMPLES),
  };
}

function printSideBySide(results: Array<{ users: number; figures: Figures }>): void {
  const names = Object.keys(results[0].figures);
  const width = Math.max(...names.map((name) => name.length)) + 2;
  const column = 48;
  console.log(`\n${''.padEnd(width)}${results.map(({ users }) => `${users.toLocaleString('en')} users`.padEnd(column)).join('')}`);
  for (const name of names) console.log(`${name.padEnd(width)}${results.map(({ figures }) => String(figures[name]).padEnd(column)).join('')}`);
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  console.log(`wechat-auth scale benchmark: sizes ${SIZES.join(', ')} users, ${EVENTS_PER_USER} login events and 3 sessions per user, database ${DATABASE}`);
  console.log(`login and refresh latency at a steady ${RATE}/s for ${SECONDS} s (targets at 1,000,000 users: login p99 < 50 ms, admin figures < 50 ms, each within 1.5x of 100,000;`);
  console.log(`a purge blocks no login for more than 100 ms: the longest lock wait of any backend while it runs; the logins' latency meanwhile`);
  console.log(`also shows how much they share the machine with it. admin DeepPageByNumber is the last page by page number, whose OFFSET walks`);
  console.log(`every user before it: shown, not a target)\n`);
  await onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`));
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${DATABASE}`));
  const url = withDatabase(serverUrl, DATABASE);
  const children: BenchChild[] = [];
  const client = OpenLoopClient.start();
  let db: DataSource | undefined;
  try {
    await runMigrations(url);
    const options = dataSourceOptions(url);
    // Seeding millions of rows takes minutes per statement; the app's ten-second guard is for requests.
    db = await new DataSource({ ...options, extra: { ...options.extra, query_timeout: 0 } }).initialize();
    const sandbox = await startChild('sandbox-server.js', {});
    children.push(sandbox);
    const app = await startChild('bench-server.js', {
      DATABASE_URL: url,
      WECHAT_API_BASE_URL: sandbox.url,
      PURGE_INTERVAL_SECONDS: '0',
      NODE_OPTIONS: PRODUCTION_NODE_OPTIONS,
    });
    children.push(app);
    const results: Array<{ users: number; figures: Figures }> = [];
    let seeded = 0;
    for (const users of SIZES) {
      const started = Date.now();
      await seedUsers(db, seeded + 1, users, EVENTS_PER_USER);
      seeded = users;
      console.log(`seeded to ${await tableRows(db)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      const figures = await measure(db, url, app, client, sandbox.url, users);
      results.push({ users, figures });
      console.log(`measured at ${users.toLocaleString('en')} users: ${JSON.stringify(figures)}`);
    }
    printSideBySide(results);
  } finally {
    for (const child of children) child.stop();
    client.stop();
    await db?.destroy();
    await onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`));
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});

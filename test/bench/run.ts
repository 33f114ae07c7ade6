import { randomUUID } from 'node:crypto';
import { postJson } from '../support/http';
import { BenchChild, startChild } from './bench-child';
import { startBenchDatabase } from './bench-database';
import { PRODUCTION_NODE_OPTIONS } from './bench-settings';
import { benchAdminListing } from './admin-listing.bench';
import { benchSignInStats } from './sign-in-stats.bench';
import { benchGuards, GuardRow } from './guard.bench';
import { benchHttpClients } from './http-client.bench';
import { benchJwtVerify } from './jwt-verify.bench';
import { benchLogins, Latency, LoginFigures, loginCodes, OpenLoopClient, steadyLatency } from './login.bench';
import { measureWritesPerOperation } from './writes.bench';
import { median } from './median';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LOGINS = Number(process.env.BENCH_LOGINS ?? 1500);
const CONNECTIONS = 50;
// Well below what either server carries on a small machine, so latency is service time, not queueing.
const RATE = Number(process.env.BENCH_LOGIN_RATE ?? 100);
const STEADY_ROUNDS = 5;
const GUARD_ROUNDS = Number(process.env.BENCH_GUARD_ROUNDS ?? 15);
const GUARD_SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

const ratio = (value: number, base: number) => (value / base).toFixed(2);
const pad = (value: number, digits = 0, width = 8) => value.toFixed(digits).padStart(width);
const mebibytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

function mean<T extends object>(runs: T[]): T {
  const keys = Object.keys(runs[0]) as Array<keyof T>;
  return Object.fromEntries(keys.map((key) => [key, runs.reduce((sum, run) => sum + Number(run[key]), 0) / runs.length])) as T;
}

function printJwtVerify(): void {
  const verify = benchJwtVerify();
  console.log('jsonwebtoken verify, HS256');
  console.log(`  secret as a string     ${pad(verify.stringSecretMicros, 1)} µs`);
  console.log(`  prepared KeyObject     ${pad(verify.keyObjectMicros, 1)} µs   (${ratio(verify.stringSecretMicros, verify.keyObjectMicros)}× faster)\n`);
}

async function printHttpClients(): Promise<void> {
  const clients = await benchHttpClients();
  console.log('HTTP client for WeChat calls, CPU per call with a trivial local server (the bare baseline uses fetch)');
  console.log(`  fetch + AbortSignal.timeout   ${pad(clients.fetchMicros, 1)} µs`);
  console.log(`  undici request, kept alive    ${pad(clients.undiciRequestMicros, 1)} µs   (${ratio(clients.fetchMicros, clients.undiciRequestMicros)}× less)\n`);
}

async function printGuards(platform: string, app: BenchChild, plainServer: BenchChild, sandboxUrl: string): Promise<void> {
  const [code] = await loginCodes(sandboxUrl, [`bench-guard-${randomUUID()}`]);
  const { body: pair } = await postJson(`${app.url}/auth/wechat/miniprogram/login`, { code });
  const guards = await benchGuards(app, plainServer, pair.accessToken, GUARD_ROUNDS, GUARD_SECONDS);
  const row = (label: string, figures: GuardRow, note: string) =>
    `  ${label.padEnd(38)}${pad(figures.requestsPerSecond)} req/s  ratio ${figures.throughputRatio.toFixed(2)}` +
    `  ${pad(figures.cpuMicrosPerRequest, 0, 5)} µs CPU/req  ratio ${figures.cpuRatio.toFixed(2)} [${figures.cpuRatioQuartiles.map((q) => q.toFixed(2)).join('–')}]  ${note}`;
  console.log(`Example module route on ${platform}, 20 connections, ${GUARD_ROUNDS} rounds of ${GUARD_SECONDS} s per route`);
  console.log('  (figures: the median round; ratios: the median of each round\'s ratio to the unguarded route measured beside it;');
  console.log('   CPU ratio: unguarded CPU per request / this route\'s; in brackets the middle half of the rounds\' CPU ratios)');
  console.log(`  plain node:http, same greeting       ${pad(guards.plain.requestsPerSecond)} req/s               ${pad(guards.plain.cpuMicrosPerRequest, 0, 5)} µs CPU/req  (the floor)`);
  console.log(row('unguarded     GET /bench/public', guards.unguarded, `(${ratio(guards.unguarded.cpuMicrosPerRequest, guards.plain.cpuMicrosPerRequest)}× plain node:http's CPU; target ≤ 3× on Fastify)`));
  console.log(row('its twin      GET /bench/public-twin', guards.twin, '(same handler, @Public() too: the measurement\'s own spread)'));
  console.log(row('our guard     GET /bench/signed-in', guards.guarded, '(same handler, not @Public(); target ≥ 0.97)'));
  console.log(row('  + @CurrentUser()  GET /greetings', guards.withCurrentUser, "(the example's guarded route: Nest's parameter pipes)"));
  console.log(row("passport-jwt  AuthGuard('jwt')", guards.passportJwt, '(yardstick)'));
  console.log('');
}

async function printLogins(platform: string, app: BenchChild, baseline: BenchChild, client: OpenLoopClient, sandboxUrl: string): Promise<void> {
  const returning = Array.from({ length: LOGINS }, () => `bench-returning-${randomUUID()}`);
  const fresh = () => loginCodes(sandboxUrl, Array.from({ length: LOGINS }, () => `bench-new-${randomUUID()}`));
  // Both servers warm up both paths before anything counts (a cold JIT costs the first run a third of its speed).
  await benchLogins(app, await loginCodes(sandboxUrl, returning), CONNECTIONS);
  await benchLogins(baseline, await fresh(), CONNECTIONS);
  await benchLogins(app, await loginCodes(sandboxUrl, returning), CONNECTIONS);
  await benchLogins(baseline, await loginCodes(sandboxUrl, returning), CONNECTIONS);

  const runs: Record<string, LoginFigures[]> = { appNew: [], baselineNew: [], appReturning: [], baselineReturning: [] };
  for (let round = 0; round < Math.max(1, ROUNDS - 1); round++) {
    runs.appNew.push(await benchLogins(app, await fresh(), CONNECTIONS));
    runs.baselineNew.push(await benchLogins(baseline, await fresh(), CONNECTIONS));
    runs.appReturning.push(await benchLogins(app, await loginCodes(sandboxUrl, returning), CONNECTIONS));
    runs.baselineReturning.push(await benchLogins(baseline, await loginCodes(sandboxUrl, returning), CONNECTIONS));
  }
  const [appNew, baselineNew, appReturning, baselineReturning] = [runs.appNew, runs.baselineNew, runs.appReturning, runs.baselineReturning].map(mean);
  const row = (label: string, figures: LoginFigures, base: LoginFigures) =>
    `  ${label.padEnd(26)}${pad(figures.loginsPerSecond)} logins/s  ratio ${ratio(figures.loginsPerSecond, base.loginsPerSecond)}` +
    `  p50 ${pad(figures.p50Ms, 1, 6)} ms  p99 ${pad(figures.p99Ms, 1, 6)} ms  ${pad(figures.cpuMicrosPerLogin, 0, 6)} µs CPU/login  CPU ratio ${ratio(base.cpuMicrosPerLogin, figures.cpuMicrosPerLogin)}` +
    `  PostgreSQL ${Number.isFinite(figures.databaseCpuMicrosPerLogin) ? pad(figures.databaseCpuMicrosPerLogin!, 0, 5) : '  n/a'} µs CPU/login`;
  console.log(`Mini Program logins on ${platform}, ${LOGINS} per run, ${CONNECTIONS} connections, sandbox on loopback, as fast as answers come (target ≥ 0.80× baseline, CPU ratio ≥ 0.70)`);
  console.log('  (CPU ratio: the server process alone; PostgreSQL: every PostgreSQL process of this machine, per login, while that server ran)');
  console.log(row('new personas      app', appNew, baselineNew));
  console.log(row('                  baseline', baselineNew, baselineNew));
  console.log(row('returning personas app', appReturning, baselineReturning));
  console.log(row('                  baseline', baselineReturning, baselineReturning));
  const atRate = async (target: BenchChild) => steadyLatency(client, target, await loginCodes(sandboxUrl, returning.slice(0, RATE * 5)), RATE);
  // Uncounted: the load generator's first run, and each server's first at this pace.
  for (const target of [app, baseline]) await atRate(target);
  // The p99 of one 5 s run is its five slowest logins, which a single pause of this shared machine decides
  // (the baseline's moved from 11 to 51 ms between runs): runs of both servers alternate, and the median run counts.
  const steady: Record<'app' | 'baseline', Latency[]> = { app: [], baseline: [] };
  for (let round = 0; round < STEADY_ROUNDS; round++) {
    for (const name of round % 2 === 0 ? (['app', 'baseline'] as const) : (['baseline', 'app'] as const)) {
      steady[name].push(await atRate(name === 'app' ? app : baseline));
    }
  }
  const steadyRow = (runs: Latency[]) =>
    `p50 ${pad(median(runs.map((run) => run.p50Ms)), 1, 6)} ms  p99 ${pad(median(runs.map((run) => run.p99Ms)), 1, 6)} ms` +
    `  (p99 of each run: ${runs.map((run) => run.p99Ms.toFixed(1)).join(', ')})`;
  console.log(`  latency at a steady ${RATE} logins/s, ${STEADY_ROUNDS} alternating runs of 5 s each (returning personas; the median run):`);
  console.log(`                  app        ${steadyRow(steady.app)}  target p99 ≤ 2× baseline's and < 25 ms`);
  console.log(`                  baseline   ${steadyRow(steady.baseline)}`);
  const [appStats, baselineStats] = await Promise.all([app.stats(), baseline.stats()]);
  console.log(`  peak RSS: app ${mebibytes(appStats.peakRssBytes)} (target < 250 MiB), bare baseline ${mebibytes(baselineStats.peakRssBytes)}\n`);
}

async function main(): Promise<void> {
  console.log('wechat-auth benchmark: one run, one machine; compare figures within this report only\n');
  printJwtVerify();
  await printHttpClients();
  const database = await startBenchDatabase();
  const children: BenchChild[] = [];
  const client = OpenLoopClient.start();
  try {
    const sandbox = await startChild('sandbox-server.js', {});
    children.push(sandbox);
    const env = { DATABASE_URL: database.url, WECHAT_API_BASE_URL: sandbox.url };
    // With the heap limit the Dockerfile sets: without one V8 grows the heap long before it needs to.
    const app = await startChild('bench-server.js', { ...env, NODE_OPTIONS: PRODUCTION_NODE_OPTIONS, HTTP_PLATFORM: 'express' });
    children.push(app);
    const fastify = await startChild('bench-server.js', { ...env, NODE_OPTIONS: PRODUCTION_NODE_OPTIONS, HTTP_PLATFORM: 'fastify' });
    children.push(fastify);
    const plainServer = await startChild('plain-http-server.js', {});
    children.push(plainServer);
    const baseline = await startChild('baseline-server.js', env);
    children.push(baseline);
    await printGuards('Express', app, plainServer, sandbox.url);
    await printGuards('Fastify', fastify, plainServer, sandbox.url);
    await printLogins('Express', app, baseline, client, sandbox.url);
    await printLogins('Fastify', fastify, baseline, client, sandbox.url);
    await measureWritesPerOperation(app.url, sandbox.url, database.url);
    await benchAdminListing(database.url);
    await benchSignInStats(database.url, Number(process.env.BENCH_STATS_EVENTS ?? 2_000_000));
  } finally {
    for (const child of children) child.stop();
    client.stop();
    await database.stop();
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});

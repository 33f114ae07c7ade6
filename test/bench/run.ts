import { fork } from 'node:child_process';
import { join } from 'node:path';
import { DEMO_APPS } from '../../src/config/demo-apps';
import { startBenchDatabase } from './bench-database';
import { BenchServer, benchGuards, RouteFigures } from './guard.bench';
import { benchJwtVerify } from './jwt-verify.bench';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);

const ratio = (value: number, base: number) => (value / base).toFixed(2);
const fixed = (value: number) => value.toFixed(0).padStart(8);
const row = (label: string, figures: RouteFigures, base: RouteFigures, note: string) =>
  `  ${label.padEnd(40)}${fixed(figures.requestsPerSecond)} req/s  ratio ${ratio(figures.requestsPerSecond, base.requestsPerSecond)}` +
  `   ${figures.cpuMicrosPerRequest.toFixed(0).padStart(5)} µs CPU/req  ratio ${ratio(base.cpuMicrosPerRequest, figures.cpuMicrosPerRequest)}  ${note}`;

async function startServer(databaseUrl: string): Promise<BenchServer & { stop(): void }> {
  const child = fork(join(__dirname, 'bench-server.ts'), [], { env: { ...process.env, DATABASE_URL: databaseUrl } });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { url: string }) => resolve(message.url));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const cpuMicros = () =>
    new Promise<number>((resolve) => {
      child.once('message', (message: { cpuMicros: number }) => resolve(message.cpuMicros));
      child.send('cpu');
    });
  return { url, cpuMicros, stop: () => child.disconnect() };
}

async function signIn(url: string): Promise<string> {
  const post = (path: string, body: object) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
      (response) => response.json() as Promise<Record<string, unknown>>,
    );
  const miniprogram = DEMO_APPS.find((app) => app.type === 'miniprogram')!;
  const { code } = await post('/sandbox/wx.login', { appid: miniprogram.appid, user: `bench-${Date.now()}` });
  const pair = await post('/auth/wechat/miniprogram/login', { code });
  return pair.accessToken as string;
}

async function main(): Promise<void> {
  console.log(`wechat-auth benchmark (${ROUNDS} rounds of ${SECONDS} s per route, 20 connections, one machine)\n`);

  const verify = benchJwtVerify();
  console.log('jsonwebtoken verify, HS256');
  console.log(`  secret as a string     ${verify.stringSecretMicros.toFixed(1).padStart(8)} µs`);
  console.log(`  prepared KeyObject     ${verify.keyObjectMicros.toFixed(1).padStart(8)} µs   (${ratio(verify.stringSecretMicros, verify.keyObjectMicros)}× faster)\n`);

  const database = await startBenchDatabase();
  const server = await startServer(database.url);
  try {
    const guards = await benchGuards(server, await signIn(server.url), ROUNDS, SECONDS);
    console.log('Example module route (ratios against unguarded; CPU ratio = unguarded CPU per request / this CPU per request)');
    console.log(row('unguarded     GET /greetings/public', guards.unguarded, guards.unguarded, ''));
    console.log(row('our guard     GET /greetings', guards.guarded, guards.unguarded, '(target ≥ 0.90)'));
    console.log(row("passport-jwt  AuthGuard('jwt')", guards.passportJwt, guards.unguarded, '(yardstick)'));
  } finally {
    server.stop();
    await database.stop();
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});

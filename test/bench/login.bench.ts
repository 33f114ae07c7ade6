import autocannon from 'autocannon';
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { postJson } from '../support/http';
import { DEMO_APPS } from '../../src/sandbox/demo-apps';
import { BenchChild } from './bench-child';
import { databaseCpuMicros } from './database-cpu';
import type { OpenLoopAnswers, OpenLoopRun } from './open-loop-client';

export interface LoginFigures {
  loginsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMicrosPerLogin: number;
  /** CPU of the PostgreSQL processes per login (undefined when the server is not on this machine). */
  databaseCpuMicrosPerLogin?: number;
}

const MINIPROGRAM = DEMO_APPS.find((app) => app.type === 'miniprogram')!;

export const post = async (url: string, body: object) => (await postJson(url, body)).body;

/** One fresh wx.login code per persona, fetched from the sandbox 50 at a time. */
export async function loginCodes(sandboxUrl: string, personas: string[]): Promise<string[]> {
  const codes: string[] = [];
  for (let start = 0; start < personas.length; start += 50) {
    const batch = personas.slice(start, start + 50).map((user) => post(`${sandboxUrl}/wx.login`, { appid: MINIPROGRAM.appid, user }));
    for (const answer of await Promise.all(batch)) codes.push(answer.code as string);
  }
  return codes;
}

/** Fires one Mini Program login per code at `target`, `connections` at a time, as fast as answers come back. */
export async function benchLogins(target: BenchChild, codes: string[], connections: number): Promise<LoginFigures> {
  const pending = [...codes];
  const cpuBefore = (await target.stats()).cpuMicros;
  const databaseCpuBefore = databaseCpuMicros();
  const started = process.hrtime.bigint();
  let lastResponse = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        connections,
        amount: codes.length,
        requests: [
          {
            method: 'POST',
            path: '/auth/wechat/miniprogram/login',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => ({ ...request, body: JSON.stringify({ code: pending.pop() }) }),
          },
        ],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', () => (lastResponse = process.hrtime.bigint()));
  });
  // autocannon ends a run on its one-second tick: time it from the first request to the last answer.
  const elapsedSeconds = Number(lastResponse - started) / 1e9;
  const cpuUsed = (await target.stats()).cpuMicros - cpuBefore;
  const databaseCpuAfter = databaseCpuMicros();
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${target.url}: ${result.non2xx} non-2xx and ${result.errors} errors`);
  return {
    loginsPerSecond: result.requests.total / elapsedSeconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuMicrosPerLogin: cpuUsed / result.requests.total,
    databaseCpuMicrosPerLogin:
      databaseCpuBefore === undefined || databaseCpuAfter === undefined ? undefined : (databaseCpuAfter - databaseCpuBefore) / result.requests.total,
  };
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

/** Latency at a steady load the server can carry, where the p99 target is checked: at saturation it only measures the queue. */
export async function steadyLatency(client: OpenLoopClient, target: BenchChild, codes: string[], rate: number): Promise<Latency> {
  return client.tokenPairs(
    target.url,
    codes.map((code) => ({ path: '/auth/wechat/miniprogram/login', body: { code } })),
    rate,
  );
}

export interface Latency {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** How many requests were sent. */
  count: number;
}

/** The answer of a login or refresh, refused unless it carries a token pair. */
export function tokenPair(answer: Record<string, unknown>): Record<string, unknown> {
  if (!answer.accessToken) throw new Error(`no token pair: ${JSON.stringify(answer).slice(0, 200)}`);
  return answer;
}

/**
 * The open-loop load generator (open-loop-client) in its own process, started
 * once so that its JIT is warm after the first run. Open loop: one request every
 * 1/rate seconds whatever the answers do (autocannon's rate limit sends each
 * second's requests in one burst, which measures a queue).
 */
export class OpenLoopClient {
  private running = false;

  private constructor(private readonly child: ChildProcess) {}

  static start(): OpenLoopClient {
    return new OpenLoopClient(fork(join(__dirname, 'open-loop-client.js')));
  }

  /** POSTs each body at `rate` per second, stops sending once `until` settles, and measures; every answer must carry a token pair. */
  async tokenPairs(
    origin: string,
    requests: Array<{ path: string; body: object }>,
    rate: number,
    until?: Promise<unknown>,
  ): Promise<Latency & { answers: Array<Record<string, unknown>> }> {
    const finished = new Promise<OpenLoopAnswers>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`the load generator exited with ${code}`));
      this.child.once('exit', exited);
      this.child.once('message', (answers: OpenLoopAnswers) => {
        this.child.off('exit', exited);
        resolve(answers);
      });
    });
    this.running = true;
    this.child.send({ origin, rate, requests: requests.map(({ path, body }) => ({ path, body: JSON.stringify(body) })) } satisfies OpenLoopRun);
    const stop = () => void (this.running && this.child.send('stop'));
    until?.then(stop, stop);
    const { latenciesMs, bodies, error } = await finished.finally(() => (this.running = false));
    if (error) throw new Error(error);
    const answers = bodies.map((body) => tokenPair(JSON.parse(body) as Record<string, unknown>));
    const sorted = [...latenciesMs].sort((a, b) => a - b);
    return { p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), maxMs: sorted[sorted.length - 1], count: sorted.length, answers };
  }

  stop(): void {
    this.child.disconnect();
  }
}

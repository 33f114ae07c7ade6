import autocannon from 'autocannon';
import { postJson } from '../support/http';
import { DEMO_APPS } from '../../src/sandbox/demo-apps';
import { BenchChild } from './bench-child';
import { databaseCpuMicros } from './database-cpu';

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

/**
 * Latency at a steady load the server can carry: one login every 1/rate
 * seconds, whatever the answers do (an open loop; autocannon's rate limit
 * sends each second's requests in one burst, which measures a queue). Latency
 * at saturation only measures the queue, so the p99 target is checked here.
 */
export async function steadyLatency(target: BenchChild, codes: string[], rate: number): Promise<Latency> {
  return openLoopLatency(
    codes.map((code) => () => loggedIn(post(`${target.url}/auth/wechat/miniprogram/login`, { code }))),
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
export async function loggedIn(answer: Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
  const body = await answer;
  if (!body.accessToken) throw new Error(`no token pair: ${JSON.stringify(body).slice(0, 200)}`);
  return body;
}

/** Sends one request every 1/rate seconds whatever the answers do, and measures each; stops sending once `until` settles. */
export async function openLoopLatency(requests: Array<() => Promise<unknown>>, rate: number, until?: Promise<unknown>): Promise<Latency> {
  const latencies: number[] = [];
  const inFlight: Array<Promise<void>> = [];
  let stopped = false;
  const stop = () => void (stopped = true);
  until?.then(stop, stop);
  const started = performance.now();
  for (const [index, send] of requests.entries()) {
    if (stopped) break;
    const due = started + (index * 1000) / rate;
    if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
    const sent = performance.now();
    inFlight.push(send().then(() => void latencies.push(performance.now() - sent)));
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  return { p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), maxMs: latencies[latencies.length - 1], count: latencies.length };
}

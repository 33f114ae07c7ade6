import { Pool } from 'undici';

/** A run the parent asks for: POST each body to `origin` + its path, one every 1/rate seconds. */
export interface OpenLoopRun {
  origin: string;
  requests: Array<{ path: string; body: string }>;
  rate: number;
}

/** Each request's latency in milliseconds and its answer's body, in the order sent; fewer if told to stop. */
export interface OpenLoopAnswers {
  latenciesMs: number[];
  bodies: string[];
  error?: string;
}

let stopped = false;

async function send(pool: Pool, path: string, body: string): Promise<string> {
  const answer = await pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await answer.body.text();
  if (answer.statusCode >= 300) throw new Error(`${path}: HTTP ${answer.statusCode} ${text.slice(0, 200)}`);
  return text;
}

async function run({ origin, requests, rate }: OpenLoopRun): Promise<OpenLoopAnswers> {
  // As many connections as requests in flight: a request never waits for a free one.
  const pool = new Pool(origin, { connections: null });
  const latenciesMs: number[] = [];
  const bodies: string[] = [];
  const inFlight: Array<Promise<void>> = [];
  // Caught as it happens: a rejection left unhandled until the last request was sent would end this process.
  let failure: Error | undefined;
  stopped = false;
  const started = performance.now();
  for (const [index, { path, body }] of requests.entries()) {
    if (stopped || failure) break;
    const due = started + (index * 1000) / rate;
    if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
    const sent = performance.now();
    inFlight.push(
      send(pool, path, body).then(
        (text) => {
          latenciesMs[index] = performance.now() - sent;
          bodies[index] = text;
        },
        (error: Error) => void (failure ??= error),
      ),
    );
  }
  await Promise.all(inFlight);
  await pool.close();
  return { latenciesMs, bodies, error: failure?.message };
}

/**
 * The open-loop load generator, in a process of its own: in the benchmark's
 * main process its latencies included that process's own garbage collections
 * (scavenges of 10–50 ms were seen), which are nothing the servers did.
 */
process.on('message', (message: OpenLoopRun | 'stop') => {
  if (message === 'stop') stopped = true;
  else void run(message).then((answers) => process.send!(answers));
});
process.on('disconnect', () => process.exit(0));

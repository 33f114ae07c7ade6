import autocannon from 'autocannon';
import { BenchChild } from './bench-child';
import { median, quantile } from './median';

export interface RouteFigures {
  requestsPerSecond: number;
  /** Server CPU time per request: unlike throughput, barely moved by other load on the machine. */
  cpuMicrosPerRequest: number;
}

export async function measureRoute(server: BenchChild, path: string, headers: Record<string, string>, seconds: number): Promise<RouteFigures> {
  const cpuBefore = (await server.stats()).cpuMicros;
  const result = await autocannon({ url: `${server.url}${path}`, headers, connections: 20, duration: seconds });
  const cpuUsed = (await server.stats()).cpuMicros - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${path}: ${result.non2xx} non-2xx and ${result.errors} errors`);
  return { requestsPerSecond: result.requests.average, cpuMicrosPerRequest: cpuUsed / result.requests.total };
}

/** A route's median round, and its ratios to the unguarded route measured beside it in each round (medians too). */
export interface GuardRow extends RouteFigures {
  throughputRatio: number;
  /** Unguarded CPU per request / this route's: 1 when the guard costs nothing. */
  cpuRatio: number;
  /** The middle half of the rounds' CPU ratios (lower and upper quartile): how far one round's noise reaches. */
  cpuRatioQuartiles: [number, number];
}

export type GuardFigures = Record<keyof typeof ROUTES, GuardRow>;

const ROUTES = {
  /** Plain node:http answering the same greeting: the floor. */
  plain: '/greetings/public',
  /** The handler below, marked @Public(): the global guard only looks up that mark. */
  unguarded: '/bench/public',
  /** The unguarded route's twin, @Public() too, under another path: how far two equal routes measure apart. */
  twin: '/bench/public-twin',
  /** The same handler behind our guard. */
  guarded: '/bench/signed-in',
  /** The example module's guarded route, which also reads @CurrentUser(). */
  withCurrentUser: '/greetings',
  passportJwt: '/bench/passport-jwt',
};

/**
 * Each round measures every route once, back to back, in an order that
 * alternates from round to round; a route's ratio is the median of its
 * rounds' ratios to the unguarded route of the same round. This machine's
 * speed drifts by more than the few per cent a guard costs: two routes
 * measured seconds apart share the drift, a mean over rounds does not.
 */
export async function benchGuards(server: BenchChild, plainServer: BenchChild, accessToken: string, rounds: number, seconds: number): Promise<GuardFigures> {
  // The same request everywhere, bearer token included, so that only the guard differs (parsing the header costs about 1 µs).
  const bearer = { authorization: `Bearer ${accessToken}` };
  const names = Object.keys(ROUTES) as Array<keyof typeof ROUTES>;
  const measure = (name: keyof typeof ROUTES, duration: number) => measureRoute(name === 'plain' ? plainServer : server, ROUTES[name], bearer, duration);
  for (const name of names) await measure(name, 1);
  const runs = names.map(() => [] as RouteFigures[]);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) runs[names.indexOf(name)].push(await measure(name, seconds));
  }
  const unguarded = runs[names.indexOf('unguarded')];
  const row = (own: RouteFigures[]): GuardRow => {
    const cpuRatios = own.map((figures, round) => unguarded[round].cpuMicrosPerRequest / figures.cpuMicrosPerRequest);
    return {
      requestsPerSecond: median(own.map((figures) => figures.requestsPerSecond)),
      cpuMicrosPerRequest: median(own.map((figures) => figures.cpuMicrosPerRequest)),
      throughputRatio: median(own.map((figures, round) => figures.requestsPerSecond / unguarded[round].requestsPerSecond)),
      cpuRatio: median(cpuRatios),
      cpuRatioQuartiles: [quantile(cpuRatios, 0.25), quantile(cpuRatios, 0.75)],
    };
  };
  return Object.fromEntries(names.map((name, index) => [name, row(runs[index])])) as GuardFigures;
}

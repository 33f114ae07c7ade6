import autocannon from 'autocannon';
import { BenchChild } from './bench-child';

export interface RouteFigures {
  requestsPerSecond: number;
  /** Server CPU time per request: unlike throughput, barely moved by other load on the machine. */
  cpuMicrosPerRequest: number;
}

export interface GuardFigures {
  /** Plain node:http answering the same greeting: the floor. */
  plain: RouteFigures;
  unguarded: RouteFigures;
  /** The same handler behind our guard. */
  guarded: RouteFigures;
  /** The example module's guarded route, which also reads @CurrentUser(). */
  withCurrentUser: RouteFigures;
  passportJwt: RouteFigures;
}

export async function measureRoute(server: BenchChild, path: string, headers: Record<string, string>, seconds: number): Promise<RouteFigures> {
  const cpuBefore = (await server.stats()).cpuMicros;
  const result = await autocannon({ url: `${server.url}${path}`, headers, connections: 20, duration: seconds });
  const cpuUsed = (await server.stats()).cpuMicros - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${path}: ${result.non2xx} non-2xx and ${result.errors} errors`);
  return { requestsPerSecond: result.requests.average, cpuMicrosPerRequest: cpuUsed / result.requests.total };
}

function averageOf(figures: RouteFigures[]): RouteFigures {
  const average = (pick: (figure: RouteFigures) => number) => figures.reduce((sum, figure) => sum + pick(figure), 0) / figures.length;
  return { requestsPerSecond: average((f) => f.requestsPerSecond), cpuMicrosPerRequest: average((f) => f.cpuMicrosPerRequest) };
}

/**
 * The example module's public route, the same handler behind our guard and
 * behind passport-jwt, the example's guarded route that reads the user, and
 * plain node:http's answer, interleaved over several rounds so a noisy
 * machine hurts them all alike; the mean of the rounds is reported.
 */
export async function benchGuards(server: BenchChild, plainServer: BenchChild, accessToken: string, rounds: number, seconds: number): Promise<GuardFigures> {
  const bearer = { authorization: `Bearer ${accessToken}` };
  const routes: Array<[keyof GuardFigures, BenchChild, string, Record<string, string>]> = [
    ['plain', plainServer, '/greetings/public', {}],
    // The same request, bearer token included, so that only the guard differs (parsing the header costs about 1 µs).
    ['unguarded', server, '/greetings/public', bearer],
    ['guarded', server, '/bench/signed-in', bearer],
    ['withCurrentUser', server, '/greetings', bearer],
    ['passportJwt', server, '/bench/passport-jwt', bearer],
  ];
  const runs = new Map<keyof GuardFigures, RouteFigures[]>(routes.map(([name]) => [name, []]));
  for (const [, target, path, headers] of routes) await measureRoute(target, path, headers, 1);
  for (let round = 0; round < rounds; round++) {
    for (const [name, target, path, headers] of routes) runs.get(name)!.push(await measureRoute(target, path, headers, seconds));
  }
  const mean = (name: keyof GuardFigures): RouteFigures => averageOf(runs.get(name)!);
  return { plain: mean('plain'), unguarded: mean('unguarded'), guarded: mean('guarded'), withCurrentUser: mean('withCurrentUser'), passportJwt: mean('passportJwt') };
}

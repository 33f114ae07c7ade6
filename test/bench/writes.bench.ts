import { randomUUID } from 'node:crypto';
import { postJson } from '../support/http';
import { loginCodes } from './login.bench';
import { measureWrites, perOperation } from './write-meter';

const OPERATIONS = 50;

async function succeed(url: string, body: object): Promise<Record<string, unknown>> {
  const answer = await postJson(url, body);
  if (answer.status !== 200) throw new Error(`${url}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
  return answer.body;
}

/**
 * Rows and WAL bytes one new login, one returning login and one refresh
 * write, one at a time so nothing else is counted (targets: a refresh writes
 * no new row; a returning login at most a session and a login event, plus the
 * identity's and user's last-login stamps). Printed and returned.
 */
export async function measureWritesPerOperation(appUrl: string, sandboxUrl: string, databaseUrl: string): Promise<Record<string, string>> {
  const login = (code: string) => succeed(`${appUrl}/auth/wechat/miniprogram/login`, { code });
  const personas = Array.from({ length: OPERATIONS }, () => `bench-writes-${randomUUID()}`);
  const pairs: Array<Record<string, unknown>> = [];
  const firstCodes = await loginCodes(sandboxUrl, personas);
  const newLogin = await measureWrites(databaseUrl, async () => {
    for (const code of firstCodes) pairs.push(await login(code));
  });
  const againCodes = await loginCodes(sandboxUrl, personas);
  const returningLogin = await measureWrites(databaseUrl, async () => {
    for (const code of againCodes) await login(code);
  });
  const refresh = await measureWrites(databaseUrl, async () => {
    for (const pair of pairs) await succeed(`${appUrl}/auth/refresh`, { refreshToken: pair.refreshToken });
  });
  const figures = {
    newLogin: perOperation(newLogin, OPERATIONS),
    returningLogin: perOperation(returningLogin, OPERATIONS),
    refresh: perOperation(refresh, OPERATIONS),
  };
  console.log(`Writes per operation (${OPERATIONS} of each, one at a time; scratch: the unlogged tables of codes in flight and throttling counters, purged within minutes)`);
  console.log(`  new user login        ${figures.newLogin}`);
  console.log(`  returning user login  ${figures.returningLogin}`);
  console.log(`  refresh               ${figures.refresh}   (target: 0 new rows)\n`);
  return figures;
}

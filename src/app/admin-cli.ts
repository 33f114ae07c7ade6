import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { LoginEventsRepository } from '../wechat-auth/login/login-events/login-events.repository';
import { revocationWindowMs } from '../wechat-auth/tokens/revocation/revocation-events';
import { SessionsRepository } from '../wechat-auth/sessions/sessions.repository';
import { StatementRunner } from '../wechat-auth/core/statements';
import { AppConfig, loadAppConfig } from './config/app-config';
import { dataSourceOptions } from './database/data-source-options';
import { embeddedPostgresUrl } from './database/embedded-postgres';
import { startDatabase } from './database/start-database';
import { AdminUsersRepository } from '../admin/admin-users.repository';

const ADMIN_ROLE = 'admin';
const USAGE = 'Usage: npm run admin -- grant <userId> | revoke <userId>';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A running app already serves the embedded database: use it rather than start a second server on its data. */
async function runningEmbeddedUrl(config: AppConfig): Promise<string | undefined> {
  const url = embeddedPostgresUrl(config.database.embeddedPort);
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return url;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function withDatabase<T>(config: AppConfig, work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const running = config.database.url ? undefined : await runningEmbeddedUrl(config);
  const database = running ? { url: running, stop: async () => undefined } : await startDatabase(config);
  const dataSource = await new DataSource(dataSourceOptions(database.url)).initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
    await database.stop();
  }
}

/**
 * Gives or takes the admin role. A grant takes effect at the user's next
 * login or refresh; a revocation also ends the user's sessions, so it takes
 * effect at once on every instance.
 */
async function main(args: string[]): Promise<string> {
  const [command, userId] = args;
  if ((command !== 'grant' && command !== 'revoke') || !userId || !UUID.test(userId) || args.length !== 2) throw new Error(USAGE);
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadAppConfig();
  return withDatabase(config, async (dataSource) => {
    const users = new AdminUsersRepository(dataSource);
    const sql = new StatementRunner(dataSource, config.database.preparedStatements);
    const events = new LoginEventsRepository(sql);
    const roles = command === 'grant' ? await users.addRole(userId, ADMIN_ROLE) : await users.removeRole(userId, ADMIN_ROLE);
    if (!roles) throw new Error(`No user ${userId}`);
    if (command === 'grant') {
      await events.record({ userId, kind: 'admin_role_granted', result: 'success', detail: { by: 'cli' } });
      return `Granted admin to ${userId} (roles: ${roles.join(', ')}); it takes effect at the user's next login or refresh.`;
    }
    const sessions = new SessionsRepository(dataSource, sql);
    const ended = await sessions.revoke(await sessions.activeSessionIds(userId), 'admin_role_revoked', revocationWindowMs(config.auth.accessTtlSeconds));
    await events.record({ userId, kind: 'admin_role_revoked', result: 'success', detail: { by: 'cli', revoked: ended.length } });
    return `Revoked admin from ${userId} (roles: ${roles.join(', ') || 'none'}); ended ${ended.length} session(s).`;
  });
}

main(process.argv.slice(2)).then(
  (message) => console.log(message),
  (error: unknown) => {
    // The embedded server's launcher rejects with nothing when it cannot start.
    console.error(error instanceof Error ? error.message : `The database could not be reached or started (${String(error)})`);
    process.exit(1);
  },
);

import { freePort } from '../support/global-setup';
import { startEmbeddedPostgres } from '../../src/app/database/embedded-postgres';
import { runMigrations } from '../../src/app/database/run-migrations';

/** DATABASE_URL when set, otherwise a throw-away embedded PostgreSQL; migrated. */
export async function startBenchDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  const embedded = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ dir: `.data/bench-postgres-${process.pid}`, port: await freePort(), persistent: false });
  const url = process.env.DATABASE_URL ?? embedded!.url;
  await runMigrations(url);
  return { url, stop: async () => embedded?.stop() };
}

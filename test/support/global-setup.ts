import { createServer } from 'node:net';
import { startEmbeddedPostgres } from '../../src/app/database/embedded-postgres';
import { runMigrations } from '../../src/app/database/run-migrations';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The database tests run on a real PostgreSQL: DATABASE_URL when given,
 * otherwise an embedded server of their own, thrown away afterwards.
 */
export default async function globalSetup(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    const database = await startEmbeddedPostgres({ dir: `.data/test-postgres-${process.pid}`, port: await freePort(), persistent: false });
    process.env.DATABASE_URL = database.url;
    (globalThis as { stopTestDatabase?: () => Promise<void> }).stopTestDatabase = database.stop;
  }
  await runMigrations(process.env.DATABASE_URL);
}

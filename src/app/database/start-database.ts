import { AppConfig } from '../config/app-config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { runMigrations } from './run-migrations';

export interface StartedDatabase {
  url: string;
  embedded: boolean;
  migrationsApplied: string[];
  stop(): Promise<void>;
}

/** DATABASE_URL when set, otherwise the embedded PostgreSQL; migrated either way. */
export async function startDatabase(config: AppConfig): Promise<StartedDatabase> {
  const embedded = config.database.url
    ? undefined
    : await startEmbeddedPostgres({ dir: config.database.embeddedDir, port: config.database.embeddedPort, persistent: true });
  const url = config.database.url ?? embedded!.url;
  try {
    const migrationsApplied = await runMigrations(url);
    return { url, embedded: Boolean(embedded), migrationsApplied, stop: async () => embedded?.stop() };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

/** Hides the password of a database URL for log lines. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

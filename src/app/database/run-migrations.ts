import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

// Any fixed number: instances starting together take turns, so only one of them migrates.
const MIGRATION_LOCK_ID = 727_100_001;

/** Brings the schema up to date. Safe to call from several instances starting at once. */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const dataSource = await new DataSource(dataSourceOptions(databaseUrl)).initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    return applied.map((migration) => migration.name);
  } finally {
    await lock.release();
    await dataSource.destroy();
  }
}

import { DataSourceOptions } from 'typeorm';
import { NOTES_ENTITIES, NOTES_MIGRATIONS } from '../../notes/notes.module';
import { WECHAT_AUTH_ENTITIES, WECHAT_AUTH_MIGRATIONS } from '../../wechat-auth';

/** The module's tables and this app's own (the example module's). */
export const ENTITIES = [...WECHAT_AUTH_ENTITIES, ...NOTES_ENTITIES];
export const MIGRATIONS = [...WECHAT_AUTH_MIGRATIONS, ...NOTES_MIGRATIONS];

/** The one description of our database, shared by the app, the migration script and the TypeORM CLI. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    uuidExtension: 'pgcrypto',
    // The schema changes only through migrations, never from entity metadata.
    synchronize: false,
    migrationsRun: false,
    extra: {
      max: 10,
      // Long enough for a burst: logins of one person queue on one advisory lock, each holding a connection while it waits.
      connectionTimeoutMillis: 10_000,
      // A query that hangs (database paused, network gone) must fail rather than hold a request forever.
      query_timeout: 10_000,
    },
  };
}

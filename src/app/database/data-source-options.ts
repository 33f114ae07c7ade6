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
      // Connections stay open once made. pg closes one after 10 s idle by default, and it hands out the most
      // recently used first, so at a steady rate the pool shrinks to the two or three that are busy; the next
      // hiccup then needs new connections, each a new PostgreSQL process that loads its catalog and prepares the
      // statements again, and the logins queued behind them waited 200–300 ms (measured at 100 logins/s).
      idleTimeoutMillis: 0,
      // Long-lived connections must notice a peer or a NAT that went away without closing them.
      keepAlive: true,
      // A query that hangs (database paused, network gone) must fail rather than hold a request forever.
      query_timeout: 10_000,
    },
  };
}

import { DataSource } from 'typeorm';
import { dataSourceOptions } from './src/app/database/data-source-options';

/**
 * For the TypeORM CLI (`npm run typeorm -- migration:generate src/wechat-auth/migrations/Name`).
 * Points at DATABASE_URL, or at the embedded PostgreSQL that `npm start` runs.
 */
export default new DataSource(
  dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5488/wechat_auth'),
);

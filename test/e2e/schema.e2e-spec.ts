import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/app/database/data-source-options';

/**
 * The migrations make the schema; the entities must describe the same one, or
 * `migration:generate` would propose dropping the constraints the rules of
 * identity rest on (such as UNIQUE (appid, openid)).
 */
describe('schema', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(process.env.DATABASE_URL as string)).initialize();
  });

  afterAll(() => dataSource.destroy());

  it('has no pending migrations after start-up', async () => {
    expect(await dataSource.showMigrations()).toBe(false);
  });

  it('is what the entities describe: generating a migration finds nothing to do', async () => {
    const { upQueries } = await dataSource.driver.createSchemaBuilder().log();
    expect(upQueries.map((query) => query.query)).toEqual([]);
  });
});

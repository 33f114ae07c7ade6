import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * SQL of the hot paths: every login, refresh and throttled request. Its name
 * comes from its text, so one text has one name on every connection. Its
 * result columns are listed, never `*` of a table: a prepared statement must
 * keep its result shape when a migration adds a column under a running app.
 */
export class Statement {
  readonly name: string;

  constructor(readonly text: string) {
    this.name = `wechat_auth_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
  }
}

/**
 * Runs Statements as named prepared statements (unless the options turn them
 * off). PostgreSQL then parses and plans a text once per connection: for the
 * joins and CTEs of a login, that work cost more of the database's CPU than
 * running them. It talks to pg directly, on the pool of the module's
 * DataSource or on the connection of the transaction it is given, so results
 * are pg's (`rows`, `rowCount`); failures are TypeORM's QueryFailedError, as
 * from any other query.
 */
export class StatementRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly prepared: boolean,
  ) {}

  async rows<Row extends QueryResultRow>(statement: Statement, values: unknown[], transaction?: EntityManager): Promise<Row[]> {
    return (await this.run<Row>(statement, values, transaction)).rows;
  }

  /** `transaction`: an EntityManager of `DataSource.transaction()`, whose connection the statement joins. */
  async run<Row extends QueryResultRow>(statement: Statement, values: unknown[], transaction?: EntityManager): Promise<QueryResult<Row>> {
    const runner = transaction?.queryRunner;
    if (runner && !runner.isTransactionActive) throw new Error('StatementRunner.run was given an EntityManager outside its transaction');
    const query = { name: this.prepared ? statement.name : undefined, text: statement.text, values };
    try {
      if (runner) return await ((await runner.connect()) as PoolClient).query<Row>(query);
      return await ((this.dataSource.driver as PostgresDriver).master as Pool).query<Row>(query);
    } catch (error) {
      throw new QueryFailedError(statement.text, values, error as Error);
    }
  }
}

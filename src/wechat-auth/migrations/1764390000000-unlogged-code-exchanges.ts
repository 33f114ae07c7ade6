import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Codes in flight live for minutes and are purged after: like the rate-limit
 * counters they need no write-ahead log. After a crash or a failover the table
 * starts empty: a copy of a code exchanged just before then reaches WeChat,
 * which refuses it as used (40163), instead of sharing the first answer.
 */
export class UnloggedCodeExchanges1764390000000 implements MigrationInterface {
  name = 'UnloggedCodeExchanges1764390000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE code_exchanges SET UNLOGGED`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE code_exchanges SET LOGGED`);
  }
}

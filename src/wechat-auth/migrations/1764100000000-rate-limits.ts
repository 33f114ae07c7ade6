import { MigrationInterface, QueryRunner } from 'typeorm';

export class RateLimits1764100000000 implements MigrationInterface {
  name = 'RateLimits1764100000000';

  async up(db: QueryRunner): Promise<void> {
    // Unlogged: counters are worth nothing after a crash and need no WAL.
    await db.query(`
      CREATE UNLOGGED TABLE rate_limits (
        key text PRIMARY KEY,
        hits integer NOT NULL,
        window_ends_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX rate_limits_window_ends_at_idx ON rate_limits (window_ends_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE rate_limits`);
  }
}

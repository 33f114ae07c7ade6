import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions count their refresh rotations instead of storing a row per refresh
 * token. Rows already in refresh_tokens stay: a token issued before this
 * migration still refreshes once (and its successor is of the new kind), and
 * a rotated one coming back is still recognised as reuse.
 */
export class RefreshGenerations1764340000000 implements MigrationInterface {
  name = 'RefreshGenerations1764340000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE sessions ADD COLUMN refresh_generation integer NOT NULL DEFAULT 0`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE sessions DROP COLUMN refresh_generation`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every login rewrites its user's and its identity's row (the last sign-in).
 * With full pages the new row version lands on another page, and every index
 * of the table (nine on users, a trigram one among them) gets an entry for it.
 * Room left on each page lets PostgreSQL keep the version on its page and
 * skip the indexes (a heap-only tuple update). Pages written from now on keep
 * that room; existing ones gain it as rows move or the table is rewritten.
 */
export class RoomForSignInUpdates1764400000000 implements MigrationInterface {
  name = 'RoomForSignInUpdates1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users SET (fillfactor = 85)`);
    await db.query(`ALTER TABLE wechat_identities SET (fillfactor = 85)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users RESET (fillfactor)`);
    await db.query(`ALTER TABLE wechat_identities RESET (fillfactor)`);
  }
}

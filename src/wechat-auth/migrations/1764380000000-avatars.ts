import { MigrationInterface, QueryRunner } from 'typeorm';

/** Pictures people upload as their avatar, for the default storage: one per user, served by a random name. */
export class Avatars1764380000000 implements MigrationInterface {
  name = 'Avatars1764380000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE avatars (
        name text PRIMARY KEY,
        user_id uuid NOT NULL CONSTRAINT avatars_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
        content_type text NOT NULL,
        bytes bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX avatars_user_id_key ON avatars (user_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE avatars`);
  }
}

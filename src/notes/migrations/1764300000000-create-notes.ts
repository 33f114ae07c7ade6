import { MigrationInterface, QueryRunner } from 'typeorm';

/** The example module's own table. It runs after the module's migrations, which create users. */
export class CreateNotes1764300000000 implements MigrationInterface {
  name = 'CreateNotes1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE notes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL CONSTRAINT notes_user_id_fkey REFERENCES users (id),
        text text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The migration orders it newest first (created_at DESC), which the entity cannot say.
    await db.query(`CREATE INDEX notes_user_id_created_at_idx ON notes (user_id, created_at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE notes`);
  }
}

import { Logger } from '@nestjs/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The verified phone becomes a key: at most one user per number. Where
 * several users hold one number already, the one who signed in last keeps
 * it; the others lose it, and each is written to `phone_conflicts` (and the
 * log) for an admin to settle, instead of the migration failing. Also the
 * one-time tickets of the `require-phone` sign-up.
 */
export class SignUpAndUniquePhone1764370000000 implements MigrationInterface {
  name = 'SignUpAndUniquePhone1764370000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE phone_conflicts (
        user_id uuid PRIMARY KEY CONSTRAINT phone_conflicts_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
        phone text NOT NULL,
        kept_by_user_id uuid NOT NULL,
        found_at timestamptz NOT NULL DEFAULT now()
      )`);
    const conflicts = (await db.query(`
      WITH ranked AS (
        SELECT id, phone, first_value(id) OVER (PARTITION BY phone ORDER BY last_login_at DESC NULLS LAST, created_at DESC, id) AS keeper
        FROM users WHERE phone IS NOT NULL
      )
      INSERT INTO phone_conflicts (user_id, phone, kept_by_user_id)
      SELECT id, phone, keeper FROM ranked WHERE id <> keeper
      RETURNING user_id, kept_by_user_id`)) as Array<{ user_id: string; kept_by_user_id: string }>;
    await db.query(`UPDATE users SET phone = NULL, updated_at = now() WHERE id IN (SELECT user_id FROM phone_conflicts)`);
    if (conflicts.length > 0) {
      const pairs = conflicts.map((row) => `${row.user_id} (kept by ${row.kept_by_user_id})`).join(', ');
      new Logger(this.name).warn(
        `${conflicts.length} users shared a verified phone number with another user and lost it; they are listed in table phone_conflicts: ${pairs}`,
      );
    }
    await db.query(`DROP INDEX users_phone_idx`);
    await db.query(`CREATE UNIQUE INDEX users_phone_key ON users (phone) WHERE phone IS NOT NULL`);

    await db.query(`
      CREATE TABLE signup_tickets (
        ticket_hash bytea PRIMARY KEY,
        app_key text NOT NULL,
        identity jsonb NOT NULL,
        session_key text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX signup_tickets_expires_at_idx ON signup_tickets (expires_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE signup_tickets`);
    await db.query(`DROP INDEX users_phone_key`);
    await db.query(`CREATE INDEX users_phone_idx ON users (phone) WHERE phone IS NOT NULL`);
    await db.query(`UPDATE users SET phone = conflict.phone FROM phone_conflicts conflict WHERE users.id = conflict.user_id AND users.phone IS NULL`);
    await db.query(`DROP TABLE phone_conflicts`);
  }
}

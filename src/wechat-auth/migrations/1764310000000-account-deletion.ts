import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Account deletion: a deleted user stays as a tombstone (its id and when),
 * and sessions remember when their person last proved who they are, which
 * deletion asks to be recent.
 */
export class AccountDeletion1764310000000 implements MigrationInterface {
  name = 'AccountDeletion1764310000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users DROP CONSTRAINT users_status_check`);
    await db.query(`ALTER TABLE users ADD CONSTRAINT users_status_check CHECK (status IN ('active', 'disabled', 'deleted'))`);
    await db.query(`ALTER TABLE users ADD COLUMN deleted_at timestamptz`);
    // NULL: the person signed in when the session was opened (created_at). Set for sessions handed over from another.
    await db.query(`ALTER TABLE sessions ADD COLUMN authenticated_at timestamptz`);
    await db.query(`ALTER TABLE login_tickets ADD COLUMN authenticated_at timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE login_tickets DROP COLUMN authenticated_at`);
    await db.query(`ALTER TABLE sessions DROP COLUMN authenticated_at`);
    await db.query(`ALTER TABLE users DROP COLUMN deleted_at`);
    await db.query(`ALTER TABLE users DROP CONSTRAINT users_status_check`);
    await db.query(`ALTER TABLE users ADD CONSTRAINT users_status_check CHECK (status IN ('active', 'disabled'))`);
  }
}

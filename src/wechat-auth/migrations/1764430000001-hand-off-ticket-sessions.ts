import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A hand-off ticket remembers the session that asked for it: it opens a
 * session only while that one is live, so "log out everywhere", an admin's
 * end-sessions or disabling the user also stops a ticket still pending.
 * Tickets issued before this have none; they live a minute.
 */
export class HandOffTicketSessions1764430000001 implements MigrationInterface {
  name = 'HandOffTicketSessions1764430000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE login_tickets ADD COLUMN issuer_session_id uuid CONSTRAINT login_tickets_issuer_session_id_fkey REFERENCES sessions (id) ON DELETE CASCADE`,
    );
    await db.query(`CREATE INDEX login_tickets_issuer_session_id_idx ON login_tickets (issuer_session_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE login_tickets DROP COLUMN issuer_session_id`);
  }
}

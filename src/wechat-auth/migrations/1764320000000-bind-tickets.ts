import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Binding an Official Account or website identity to a signed-in user: the
 * callback hands the browser a one-time bind ticket that only the session
 * which started the bind may confirm. It holds what WeChat said about the
 * identity, so nothing is bound, created or merged before the confirmation.
 */
export class BindTickets1764320000000 implements MigrationInterface {
  name = 'BindTickets1764320000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE bind_tickets (
        ticket_hash bytea PRIMARY KEY,
        session_id uuid NOT NULL CONSTRAINT bind_tickets_session_id_fkey REFERENCES sessions (id) ON DELETE CASCADE,
        app_key text NOT NULL,
        identity jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX bind_tickets_expires_at_idx ON bind_tickets (expires_at)`);
    await db.query(`CREATE INDEX bind_tickets_session_id_idx ON bind_tickets (session_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE bind_tickets`);
  }
}

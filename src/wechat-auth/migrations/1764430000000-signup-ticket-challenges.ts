import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A sign-up ticket of an OAuth login travels in the return URL like a login
 * ticket: it is good only with the verifier of the browser that started the
 * login (PKCE), so a link cannot join its identity to whoever opens it.
 * Tickets held when this runs have none; they live ten minutes.
 */
export class SignupTicketChallenges1764430000000 implements MigrationInterface {
  name = 'SignupTicketChallenges1764430000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE signup_tickets ADD COLUMN challenge bytea`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE signup_tickets DROP COLUMN challenge`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** A login ticket is good only with the verifier of the browser that started the login (PKCE), against login CSRF. */
export class TicketChallenges1764360000000 implements MigrationInterface {
  name = 'TicketChallenges1764360000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE login_tickets ADD COLUMN challenge bytea`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE login_tickets DROP COLUMN challenge`);
  }
}

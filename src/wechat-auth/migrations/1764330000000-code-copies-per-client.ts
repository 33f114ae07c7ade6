import { MigrationInterface, QueryRunner } from 'typeorm';

/** Copies of a code are served only to the client address the code first came from. */
export class CodeCopiesPerClient1764330000000 implements MigrationInterface {
  name = 'CodeCopiesPerClient1764330000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE code_exchanges ADD COLUMN client_ip text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE code_exchanges DROP COLUMN client_ip`);
  }
}

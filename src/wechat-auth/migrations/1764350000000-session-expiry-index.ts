import { MigrationInterface, QueryRunner } from 'typeorm';

/** The retention purge finds expired sessions by this index (ended ones by sessions_revoked_at_idx). */
export class SessionExpiryIndex1764350000000 implements MigrationInterface {
  name = 'SessionExpiryIndex1764350000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX sessions_expires_at_idx ON sessions (expires_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX sessions_expires_at_idx`);
  }
}

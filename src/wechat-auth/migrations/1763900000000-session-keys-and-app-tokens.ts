import { MigrationInterface, QueryRunner } from 'typeorm';

export class SessionKeysAndAppTokens1763900000000 implements MigrationInterface {
  name = 'SessionKeysAndAppTokens1763900000000';

  async up(db: QueryRunner): Promise<void> {
    // Sealed by DataCipher (key id inside the value), never the plain session_key.
    await db.query(`ALTER TABLE wechat_identities ADD COLUMN session_key text`);

    // One app access_token per appid, shared by every instance; the token itself is sealed like the session_key.
    await db.query(`
      CREATE TABLE wechat_app_tokens (
        appid text PRIMARY KEY,
        access_token text NOT NULL,
        expires_at timestamptz NOT NULL,
        refresh_after timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE wechat_app_tokens`);
    await db.query(`ALTER TABLE wechat_identities DROP COLUMN session_key`);
  }
}

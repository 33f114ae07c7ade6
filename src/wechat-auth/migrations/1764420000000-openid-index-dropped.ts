import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An index on openid alone served only the admin search, which now looks an
 * openid up under each app in UNIQUE (appid, openid). Openids are random, so
 * every first login inserted into this index at a random page: at a million
 * users one more page read and, after each checkpoint, one more whole page
 * written to the WAL (a fifth of a new user's WAL volume, measured).
 */
export class OpenidIndexDropped1764420000000 implements MigrationInterface {
  name = 'OpenidIndexDropped1764420000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX wechat_identities_openid_idx`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX wechat_identities_openid_idx ON wechat_identities (openid)`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** Native iOS/Android apps (Open Platform mobile applications) sign in too: a fourth type of identity. */
export class MobileApps1764260000000 implements MigrationInterface {
  name = 'MobileApps1764260000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE wechat_identities DROP CONSTRAINT wechat_identities_app_type_check`);
    await db.query(
      `ALTER TABLE wechat_identities ADD CONSTRAINT wechat_identities_app_type_check CHECK (app_type IN ('miniprogram', 'official_account', 'website', 'mobile_app'))`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE wechat_identities DROP CONSTRAINT wechat_identities_app_type_check`);
    await db.query(`ALTER TABLE wechat_identities ADD CONSTRAINT wechat_identities_app_type_check CHECK (app_type IN ('miniprogram', 'official_account', 'website'))`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin console: indexes that keep every page of the user list (filtered,
 * searched or deep) an index walk, and the time of a user's last status change
 * so every instance can reload recent disables after a reconnect.
 */
export class AdminConsole1764000000000 implements MigrationInterface {
  name = 'AdminConsole1764000000000';

  async up(db: QueryRunner): Promise<void> {
    // Trusted since PostgreSQL 13: the database owner may create it without being a superuser.
    await db.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await db.query(`ALTER TABLE users ADD COLUMN status_changed_at timestamptz`);
    await db.query(`CREATE INDEX users_status_changed_at_idx ON users (status_changed_at) WHERE status_changed_at IS NOT NULL`);

    // The list is ordered newest first; each filter has an index in that order, so a page stops after pageSize rows.
    await db.query(`CREATE INDEX users_created_at_id_idx ON users (created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX users_status_created_at_id_idx ON users (status, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX users_linked_created_at_id_idx ON users (created_at DESC, id DESC) WHERE unionid IS NOT NULL`);
    await db.query(`CREATE INDEX users_unlinked_created_at_id_idx ON users (created_at DESC, id DESC) WHERE unionid IS NULL`);
    await db.query(`CREATE INDEX wechat_identities_app_key_user_id_idx ON wechat_identities (app_key, user_id)`);

    // Search: exact id, openid, unionid and phone; nickname by substring.
    await db.query(`CREATE INDEX users_phone_idx ON users (phone) WHERE phone IS NOT NULL`);
    await db.query(`CREATE INDEX users_nickname_trgm_idx ON users USING gin (nickname gin_trgm_ops)`);
    await db.query(`CREATE INDEX wechat_identities_openid_idx ON wechat_identities (openid)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const index of [
      'wechat_identities_openid_idx',
      'users_nickname_trgm_idx',
      'users_phone_idx',
      'wechat_identities_app_key_user_id_idx',
      'users_unlinked_created_at_id_idx',
      'users_linked_created_at_id_idx',
      'users_status_created_at_id_idx',
      'users_created_at_id_idx',
      'users_status_changed_at_idx',
    ]) {
      await db.query(`DROP INDEX ${index}`);
    }
    await db.query(`ALTER TABLE users DROP COLUMN status_changed_at`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763700000000 implements MigrationInterface {
  name = 'InitialSchema1763700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unionid text,
        nickname text,
        avatar_url text,
        phone text,
        roles text[] NOT NULL DEFAULT '{user}',
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_login_at timestamptz
      )`);
    await db.query(`CREATE UNIQUE INDEX users_unionid_key ON users (unionid) WHERE unionid IS NOT NULL`);

    await db.query(`
      CREATE TABLE wechat_identities (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        app_key text NOT NULL,
        appid text NOT NULL,
        app_type text NOT NULL CHECK (app_type IN ('miniprogram', 'official_account', 'website')),
        openid text NOT NULL,
        unionid text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_login_at timestamptz,
        CONSTRAINT wechat_identities_appid_openid_key UNIQUE (appid, openid)
      )`);
    await db.query(`CREATE INDEX wechat_identities_user_id_idx ON wechat_identities (user_id)`);
    await db.query(`CREATE INDEX wechat_identities_unionid_idx ON wechat_identities (unionid) WHERE unionid IS NOT NULL`);

    await db.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        app_key text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_refreshed_at timestamptz,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text,
        ip text,
        user_agent text
      )`);
    await db.query(`CREATE INDEX sessions_user_id_idx ON sessions (user_id)`);
    await db.query(`CREATE INDEX sessions_revoked_at_idx ON sessions (revoked_at) WHERE revoked_at IS NOT NULL`);

    await db.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
      )`);
    await db.query(`CREATE INDEX refresh_tokens_session_id_idx ON refresh_tokens (session_id)`);

    await db.query(`
      CREATE TABLE login_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid REFERENCES users (id) ON DELETE SET NULL,
        kind text NOT NULL,
        app_key text,
        result text NOT NULL CHECK (result IN ('success', 'failure')),
        error_code text,
        ip text,
        user_agent text,
        detail jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX login_events_user_id_created_at_idx ON login_events (user_id, created_at DESC)`);
    await db.query(`CREATE INDEX login_events_created_at_idx ON login_events (created_at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE login_events`);
    await db.query(`DROP TABLE refresh_tokens`);
    await db.query(`DROP TABLE sessions`);
    await db.query(`DROP TABLE wechat_identities`);
    await db.query(`DROP TABLE users`);
  }
}

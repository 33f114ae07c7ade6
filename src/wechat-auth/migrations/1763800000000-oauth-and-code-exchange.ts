import { MigrationInterface, QueryRunner } from 'typeorm';

export class OauthAndCodeExchange1763800000000 implements MigrationInterface {
  name = 'OauthAndCodeExchange1763800000000';

  async up(db: QueryRunner): Promise<void> {
    // One row per WeChat code we were sent, keyed by a hash of (appid, code): the code itself is never stored.
    await db.query(`
      CREATE TABLE code_exchanges (
        code_hash bytea PRIMARY KEY,
        app_key text NOT NULL,
        state_nonce bytea,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
        identity jsonb,
        error_code text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CONSTRAINT code_exchanges_state_nonce_key UNIQUE (state_nonce)
      )`);
    await db.query(`CREATE INDEX code_exchanges_expires_at_idx ON code_exchanges (expires_at)`);

    await db.query(`
      CREATE TABLE login_tickets (
        ticket_hash bytea PRIMARY KEY,
        identity_id uuid NOT NULL REFERENCES wechat_identities (id) ON DELETE CASCADE,
        app_key text NOT NULL,
        is_new boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX login_tickets_expires_at_idx ON login_tickets (expires_at)`);
    await db.query(`CREATE INDEX login_tickets_identity_id_idx ON login_tickets (identity_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE login_tickets`);
    await db.query(`DROP TABLE code_exchanges`);
  }
}

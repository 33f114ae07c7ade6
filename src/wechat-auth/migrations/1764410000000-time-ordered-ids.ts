import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables that gain a row with every new user or every login. */
const GROWING_TABLES = ['users', 'wechat_identities', 'sessions', 'login_events'];

/**
 * Random ids scatter a table's inserts over every leaf page of its primary key
 * and of every index that leads with a user id: at a million users a first
 * login touched a dozen pages nobody else needed, each read in, dirtied and
 * (after every checkpoint) written to the WAL whole. A UUIDv7 starts with its
 * creation time in milliseconds, so new rows, and the sessions and login events
 * of new users, land on the few rightmost pages that stay in memory. Its other
 * 74 bits are random, and nothing trusts an id to be unguessable (refresh
 * tokens are signed). PostgreSQL has no generator before version 18, hence
 * this one; existing rows keep their ids.
 */
export class TimeOrderedIds1764410000000 implements MigrationInterface {
  name = 'TimeOrderedIds1764410000000';

  async up(db: QueryRunner): Promise<void> {
    // A version 4 id with its first 48 bits replaced by the Unix time in ms and its version nibble set to 7.
    await db.query(`
      CREATE FUNCTION wechat_auth_uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
        SELECT encode(
          set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
                                  PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                                  FROM 1 FOR 6), 52, 1), 53, 1),
          'hex')::uuid
      $$`);
    for (const table of GROWING_TABLES) await db.query(`ALTER TABLE ${table} ALTER COLUMN id SET DEFAULT wechat_auth_uuid_v7()`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of GROWING_TABLES) await db.query(`ALTER TABLE ${table} ALTER COLUMN id SET DEFAULT gen_random_uuid()`);
    await db.query(`DROP FUNCTION wechat_auth_uuid_v7()`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** Hourly counts of the login history, for sign-in statistics that stay fast at tens of millions of events. */
export class LoginStatistics1764270000000 implements MigrationInterface {
  name = 'LoginStatistics1764270000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE login_event_hours (
        hour timestamptz NOT NULL,
        kind text NOT NULL,
        app_key text NOT NULL,
        result text NOT NULL,
        error_code text NOT NULL,
        events integer NOT NULL,
        CONSTRAINT login_event_hours_pkey PRIMARY KEY (hour, kind, app_key, result, error_code)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE login_event_hours`);
  }
}

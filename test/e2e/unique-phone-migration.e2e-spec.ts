import { DataSource } from 'typeorm';
import { SignUpAndUniquePhone1764370000000 } from '../../src/wechat-auth/migrations/1764370000000-sign-up-and-unique-phone';
import { SignupTicketChallenges1764430000000 } from '../../src/wechat-auth/migrations/1764430000000-signup-ticket-challenges';
import { bearer } from '../support/miniprogram-data';
import { loginAs, persona, startTestApp, TestApp, uniquePhone } from '../support/test-app';

/** A database from before the phone was a key, where two users came to hold one number. */
describe('the migration that makes the verified phone unique', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());
  const db = () => t.app.get(DataSource);

  /**
   * The migration's down drops signup_tickets and its up makes the table as it
   * was then: the later migrations of that table run again, so the database
   * the other test files share is left at today's schema.
   */
  const LATER_MIGRATIONS_OF_ITS_TABLES = [new SignupTicketChallenges1764430000000()];

  /** Undoes the migration, gives the users one phone as the old schema allowed, and migrates again. */
  async function migrateOver(phone: string, userIds: string[]): Promise<void> {
    const runner = db().createQueryRunner();
    await runner.startTransaction();
    try {
      const migration = new SignUpAndUniquePhone1764370000000();
      await migration.down(runner);
      await runner.query(`UPDATE users SET phone = $2 WHERE id = ANY($1)`, [userIds, phone]);
      await migration.up(runner);
      for (const later of LATER_MIGRATIONS_OF_ITS_TABLES) await later.up(runner);
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }

  it('keeps the number on the user who signed in last, reports the others, and every one still signs in', async () => {
    const personas = [persona('dup'), persona('dup'), persona('dup')];
    const pairs = [];
    for (const user of personas) pairs.push(await loginAs(t, user));
    const ids = pairs.map((pair) => pair.user.id);
    const phone = `+86${uniquePhone()}`;

    await migrateOver(phone, ids);

    const holders = (await db().query(`SELECT id FROM users WHERE phone = $1`, [phone])) as Array<{ id: string }>;
    expect(holders).toEqual([{ id: ids[2] }]);
    const report = (await db().query(`SELECT user_id, kept_by_user_id FROM phone_conflicts WHERE phone = $1 ORDER BY user_id`, [phone])) as object[];
    expect(report).toEqual([ids[0], ids[1]].sort().map((id) => ({ user_id: id, kept_by_user_id: ids[2] })));
    for (const user of personas) {
      const again = await loginAs(t, user);
      expect(ids).toContain(again.user.id);
      await t.http.get('/auth/me').set(bearer(again.accessToken)).expect(200);
    }
  });
});

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Statement, StatementRunner } from '../../core/statements';
import { LoginEvent } from './login-event.entity';

export type NewLoginEvent = Pick<LoginEvent, 'kind' | 'result'> & Partial<Pick<LoginEvent, 'userId' | 'appKey' | 'errorCode' | 'ip' | 'userAgent' | 'detail'>>;

const RECORD = new Statement(
  `INSERT INTO login_events (user_id, kind, app_key, result, error_code, ip, user_agent, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
);

@Injectable()
export class LoginEventsRepository {
  constructor(private readonly sql: StatementRunner) {}

  /**
   * In a deletion's transaction: the user's history keeps what happened and
   * when, but no longer where from (ip, device) or any detail.
   */
  async eraseForDeletedUser(db: EntityManager, userId: string): Promise<void> {
    await db.query(`UPDATE login_events SET ip = NULL, user_agent = NULL, detail = NULL WHERE user_id = $1`, [userId]);
    await db.query(`INSERT INTO login_events (user_id, kind, result) VALUES ($1, 'account_deleted', 'success')`, [userId]);
  }

  /** One row per attempt that did not open a session (a session's own statement records its login). */
  async record(event: NewLoginEvent): Promise<void> {
    await this.sql.run(RECORD, [
      event.userId ?? null,
      event.kind,
      event.appKey ?? null,
      event.result,
      event.errorCode ?? null,
      event.ip ?? null,
      event.userAgent ?? null,
      event.detail ? JSON.stringify(event.detail) : null,
    ]);
  }
}

import { Injectable } from '@nestjs/common';
import { InjectWechatAuthDataSource } from '../../core/data-source';
import { DataSource, EntityManager } from 'typeorm';
import { LoginEvent } from './login-event.entity';

export type NewLoginEvent = Pick<LoginEvent, 'kind' | 'result'> & Partial<Pick<LoginEvent, 'userId' | 'appKey' | 'errorCode' | 'ip' | 'userAgent' | 'detail'>>;

@Injectable()
export class LoginEventsRepository {
  constructor(@InjectWechatAuthDataSource() private readonly dataSource: DataSource) {}

  /**
   * In a deletion's transaction: the user's history keeps what happened and
   * when, but no longer where from (ip, device) or any detail.
   */
  async eraseForDeletedUser(db: EntityManager, userId: string): Promise<void> {
    await db.query(`UPDATE login_events SET ip = NULL, user_agent = NULL, detail = NULL WHERE user_id = $1`, [userId]);
    await db.query(`INSERT INTO login_events (user_id, kind, result) VALUES ($1, 'account_deleted', 'success')`, [userId]);
  }

  /** One row per attempt, written on every login: plain SQL rather than a query builder run each time. */
  async record(event: NewLoginEvent): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO login_events (user_id, kind, app_key, result, error_code, ip, user_agent, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        event.userId ?? null,
        event.kind,
        event.appKey ?? null,
        event.result,
        event.errorCode ?? null,
        event.ip ?? null,
        event.userAgent ?? null,
        event.detail ? JSON.stringify(event.detail) : null,
      ],
    );
  }
}

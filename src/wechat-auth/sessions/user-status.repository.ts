import { Injectable } from '@nestjs/common';
import { InjectWechatAuthDataSource } from '../core/data-source';
import { DataSource } from 'typeorm';
import { UserStatus } from '../users/entities/user.entity';
import { REVOCATION_CHANNEL, UserStatusEvent } from '../tokens/revocation/revocation-events';

interface StatusRow {
  id: string;
  status: UserStatus | 'merged';
  status_changed_at: Date;
}

const toEvent = (row: StatusRow): UserStatusEvent => ({
  userId: row.id,
  // A deleted or merged-away user's tokens are refused like a disabled user's.
  disabled: row.status !== 'active',
  changedAt: row.status_changed_at.getTime(),
  ...(row.status === 'merged' ? { merged: true } : {}),
});

@Injectable()
export class UserStatusRepository {
  constructor(@InjectWechatAuthDataSource() private readonly dataSource: DataSource) {}

  /**
   * Sets a user's status and tells every instance, in one transaction. The
   * change time only moves forward, so the later of two changes always wins
   * wherever they are heard.
   */
  async setStatus(userId: string, status: UserStatus): Promise<UserStatusEvent | undefined> {
    return this.dataSource.transaction(async (db) => {
      const [rows] = (await db.query(
        `UPDATE users SET status = $2, updated_at = now(),
           status_changed_at = GREATEST(clock_timestamp(), status_changed_at + interval '1 millisecond')
         WHERE id = $1 AND status <> 'deleted' RETURNING id, status, status_changed_at`,
        [userId, status],
      )) as [StatusRow[], number];
      if (!rows[0]) return undefined;
      const event = toEvent(rows[0]);
      await db.query('SELECT pg_notify($1, $2)', [REVOCATION_CHANNEL, JSON.stringify(event)]);
      return event;
    });
  }

  /** Status changes recent enough that tokens issued before them may still be unexpired. */
  async recentChanges(withinMs: number): Promise<UserStatusEvent[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, status, status_changed_at FROM users WHERE status_changed_at > now() - make_interval(secs => $1)
       UNION ALL
       -- A user merged away is gone: its tokens are refused like a disabled user's.
       SELECT (detail->>'mergedUserId')::uuid, 'merged', created_at FROM login_events
       WHERE kind = 'users_merged' AND created_at > now() - make_interval(secs => $1)`,
      [withinMs / 1000],
    )) as StatusRow[];
    return rows.map(toEvent);
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { takeAdvisoryLocks } from '../../core/advisory-locks';
import { InjectWechatAuthDataSource } from '../../core/data-source';

const HOUR_MS = 3_600_000;

/** Login events of one day (in the asked time zone) with the same kind, app, result and error code. */
export interface DayCount {
  day: string;
  kind: string;
  appKey: string;
  result: string;
  errorCode: string;
  events: number;
}

export interface DayRange {
  /** The start of the first day, as a UTC instant. */
  from: Date;
  /**
   * Hours before this one can get no more events: an event's time is when
   * its INSERT started, and no statement runs for minutes.
   */
  settledUntil: Date;
  /** Its date and today's, in the time zone (YYYY-MM-DD). */
  firstDay: string;
  lastDay: string;
}

// At tens of millions of events a day of them is counted well within the query timeout.
const MAX_HOURS_PER_STATEMENT = 24;

/** Runs of consecutive hours, as [start, end) pairs of at most MAX_HOURS_PER_STATEMENT hours. */
function hourRuns(hours: Date[]): Array<[Date, Date]> {
  const runs: Array<[Date, Date]> = [];
  for (const hour of hours) {
    const last = runs[runs.length - 1];
    const end = new Date(hour.getTime() + HOUR_MS);
    if (last && last[1].getTime() === hour.getTime() && hour.getTime() - last[0].getTime() < MAX_HOURS_PER_STATEMENT * HOUR_MS) last[1] = end;
    else runs.push([hour, end]);
  }
  return runs;
}

const MISSING_HOURS = `
  SELECT series.hour FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 hour', interval '1 hour') AS series (hour)
  WHERE NOT EXISTS (SELECT 1 FROM login_event_hours counted WHERE counted.hour = series.hour AND counted.kind = '')`;

/**
 * Sign-in statistics from the login history: hours that are over are counted
 * once into `login_event_hours`; the last hour or so is counted live.
 */
@Injectable()
export class LoginStatisticsRepository {
  constructor(@InjectWechatAuthDataSource() private readonly dataSource: DataSource) {}

  /** The last `days` days up to today in `timeZone` (an IANA name PostgreSQL knows). */
  async dayRange(days: number, timeZone: string): Promise<DayRange> {
    const [row] = (await this.dataSource.query(
      `SELECT start AT TIME ZONE $1 AS "from", date_trunc('hour', now() - interval '5 minutes', 'UTC') AS "settledUntil",
              to_char(start, 'YYYY-MM-DD') AS "firstDay", to_char(now() AT TIME ZONE $1, 'YYYY-MM-DD') AS "lastDay"
       FROM (SELECT date_trunc('day', now() AT TIME ZONE $1) - make_interval(days => $2 - 1) AS start) AS range`,
      [timeZone, days],
    )) as DayRange[];
    return row;
  }

  /**
   * Counts every hour in [from, until) not counted yet, a day of hours per
   * transaction. One instance at a time counts a run (an advisory lock, then
   * a second look), so two admins opening the page count each hour once, and
   * neither waits long for the other.
   */
  async countHours(from: Date, until: Date): Promise<void> {
    if (until <= from) return;
    const missing = (await this.dataSource.query(MISSING_HOURS, [from, until])) as Array<{ hour: Date }>;
    for (const [start, end] of hourRuns(missing.map((row) => row.hour))) {
      await this.dataSource.transaction(async (db) => {
        await takeAdvisoryLocks(db, ['login-statistics']);
        const stillMissing = (await db.query(MISSING_HOURS, [start, end])) as Array<{ hour: Date }>;
        for (const [runStart, runEnd] of hourRuns(stillMissing.map((row) => row.hour))) {
          await db.query(
            `INSERT INTO login_event_hours (hour, kind, app_key, result, error_code, events)
             SELECT date_trunc('hour', created_at, 'UTC'), kind, coalesce(app_key, ''), result, coalesce(error_code, ''), count(*)
             FROM login_events WHERE created_at >= $1 AND created_at < $2 GROUP BY 1, 2, 3, 4, 5
             UNION ALL
             SELECT hour, '', '', '', '', 0 FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 hour', interval '1 hour') AS hour`,
            [runStart, runEnd],
          );
        }
      });
    }
  }

  /** Counts per day in `timeZone` from `from` on: counted hours before `until`, live events after. */
  async countsByDay(from: Date, until: Date, timeZone: string): Promise<DayCount[]> {
    const rows = (await this.dataSource.query(
      `SELECT to_char(hour AT TIME ZONE $3, 'YYYY-MM-DD') AS day, kind, app_key, result, error_code, sum(events)::int AS events
       FROM (
         SELECT hour, kind, app_key, result, error_code, events FROM login_event_hours
         WHERE hour >= $1 AND hour < $2 AND kind <> ''
         UNION ALL
         SELECT created_at, kind, coalesce(app_key, ''), result, coalesce(error_code, ''), 1 FROM login_events
         WHERE created_at >= greatest($1::timestamptz, $2::timestamptz)
       ) AS events
       GROUP BY 1, 2, 3, 4, 5`,
      [from, until, timeZone],
    )) as Array<{ day: string; kind: string; app_key: string; result: string; error_code: string; events: number }>;
    return rows.map((row) => ({ day: row.day, kind: row.kind, appKey: row.app_key, result: row.result, errorCode: row.error_code, events: row.events }));
  }

  /** Users created per day in `timeZone` from `from` on (users merged away since are not counted). */
  async newUsersByDay(from: Date, timeZone: string): Promise<Array<{ day: string; users: number }>> {
    return (await this.dataSource.query(
      `SELECT to_char(created_at AT TIME ZONE $2, 'YYYY-MM-DD') AS day, count(*)::int AS users FROM users WHERE created_at >= $1 GROUP BY 1`,
      [from, timeZone],
    )) as Array<{ day: string; users: number }>;
  }
}

import { Injectable } from '@nestjs/common';
import { AppError } from '../../core/errors/app-error';
import { WECHAT_APP_TYPES } from '../../wechat/apps/wechat-app';
import { DayCount, LoginStatisticsRepository } from './login-statistics.repository';

export interface SignInDay {
  /** YYYY-MM-DD in the asked time zone. */
  day: string;
  /** Successful sign-ins by app key. */
  signIns: Record<string, number>;
  newUsers: number;
  /** Failed attempts by error code. */
  failures: Record<string, number>;
  merges: number;
}

export interface SignInStatistics {
  timeZone: string;
  days: SignInDay[];
}

const HOUR_MS = 3_600_000;
const INVALID_PARAMETER_VALUE = '22023';
const SIGN_IN_KINDS: readonly string[] = WECHAT_APP_TYPES;

function startOfHour(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / HOUR_MS) * HOUR_MS);
}

function datesFrom(first: string, last: string): string[] {
  const dates: string[] = [];
  for (let day = new Date(`${first}T00:00:00Z`); day.toISOString().slice(0, 10) <= last; day.setUTCDate(day.getUTCDate() + 1)) {
    dates.push(day.toISOString().slice(0, 10));
  }
  return dates;
}

function add(counts: Record<string, number>, key: string, events: number): void {
  counts[key] = (counts[key] ?? 0) + events;
}

/**
 * How sign-in is going, day by day: sign-ins per app, new users, failures per
 * error code and merges. Days are whole hours in UTC, so time zones with a
 * whole-hour offset (such as China's) get exact days.
 */
@Injectable()
export class LoginStatisticsService {
  constructor(private readonly statistics: LoginStatisticsRepository) {}

  async signIns(days: number, timeZone: string): Promise<SignInStatistics> {
    const range = await this.statistics.dayRange(days, timeZone).catch((error: { driverError?: { code?: string } }) => {
      if (error.driverError?.code === INVALID_PARAMETER_VALUE) throw new AppError('invalid_request', 'timeZone is not a time zone the database knows.');
      throw error;
    });
    const from = startOfHour(range.from);
    await this.statistics.countHours(from, range.settledUntil);
    const [counts, newUsers] = await Promise.all([
      this.statistics.countsByDay(from, range.settledUntil, timeZone),
      this.statistics.newUsersByDay(range.from, timeZone),
    ]);
    const byDay = new Map(datesFrom(range.firstDay, range.lastDay).map((day) => [day, { day, signIns: {}, newUsers: 0, failures: {}, merges: 0 } as SignInDay]));
    for (const count of counts) this.addCount(byDay.get(count.day), count);
    for (const row of newUsers) {
      const day = byDay.get(row.day);
      if (day) day.newUsers = row.users;
    }
    return { timeZone, days: [...byDay.values()] };
  }

  private addCount(day: SignInDay | undefined, count: DayCount): void {
    if (!day) return;
    if (count.result === 'failure') add(day.failures, count.errorCode || 'unknown', count.events);
    else if (count.kind === 'users_merged') day.merges += count.events;
    else if (SIGN_IN_KINDS.includes(count.kind)) add(day.signIns, count.appKey, count.events);
  }
}

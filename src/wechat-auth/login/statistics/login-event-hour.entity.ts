import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Login events counted per UTC hour, filled in lazily for hours that are over,
 * so a month of statistics reads a few thousand rows instead of millions.
 * A row with an empty `kind` marks an hour as counted (it may have no events).
 */
@Entity({ name: 'login_event_hours' })
export class LoginEventHour {
  @PrimaryColumn({ type: 'timestamptz' })
  hour: Date;

  @PrimaryColumn({ type: 'text' })
  kind: string;

  /** '' when the event had no app. */
  @PrimaryColumn({ name: 'app_key', type: 'text' })
  appKey: string;

  @PrimaryColumn({ type: 'text' })
  result: string;

  /** '' for successes. */
  @PrimaryColumn({ name: 'error_code', type: 'text' })
  errorCode: string;

  @Column({ type: 'integer' })
  events: number;
}

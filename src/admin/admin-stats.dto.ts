import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export const MAX_STATS_DAYS = 90;

export class StatsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_STATS_DAYS, default: 30, description: 'Days up to and including today.' })
  @Transform(({ value }: { value: unknown }) => (value === '' || value === undefined ? undefined : Number(value)))
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_STATS_DAYS)
  days?: number;

  @ApiPropertyOptional({ default: 'UTC', example: 'Asia/Shanghai', description: 'An IANA time zone: where days begin. Whole-hour offsets are exact.' })
  @IsOptional()
  @IsString()
  @Matches(/^(UTC|[A-Za-z]+(\/[A-Za-z0-9_+-]+){1,2})$/, { message: 'timeZone must be an IANA time zone such as Asia/Shanghai' })
  timeZone?: string;
}

export class SignInDayView {
  @ApiProperty({ example: '2026-11-23' }) day: string;
  @ApiProperty({ description: 'Successful sign-ins by app key.', example: { 'demo-miniprogram': 120 } }) signIns: Record<string, number>;
  @ApiProperty() newUsers: number;
  @ApiProperty({ description: 'Failed attempts by error code.', example: { wechat_code_invalid: 3 } }) failures: Record<string, number>;
  @ApiProperty({ description: 'Users merged into another (a unionid turned out to be shared).' }) merges: number;
}

export class SignInStatisticsView {
  @ApiProperty() timeZone: string;
  @ApiProperty({ type: [SignInDayView], description: 'Oldest first, one per day, today last.' }) days: SignInDayView[];
}

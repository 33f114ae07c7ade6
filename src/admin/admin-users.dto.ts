import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { APP_KEY_PATTERN } from '../wechat-auth/wechat/miniprogram/miniprogram-login.dto';

export const MAX_PAGE_SIZE = 100;

/** A filter left empty in a form (`?app=`) means no filter. */
const emptyAsUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);
const toInteger = ({ value }: { value: unknown }) => (value === '' || value === undefined ? undefined : Number(value));

export class ListUsersQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @Transform(toInteger)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })
  @Transform(toInteger)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize?: number;

  @ApiPropertyOptional({ description: "The previous page's nextCursor: the page after it, as fast at any depth (page numbers skip every user before them)." })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'after must be a nextCursor the list gave' })
  after?: string;

  @ApiPropertyOptional({ description: 'Matches the user id, the nickname (part of it), an openid, a unionid or the phone number.' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || undefined : value))
  @IsOptional()
  @IsString()
  @MaxLength(128)
  q?: string;

  @ApiPropertyOptional({ description: 'Only users with an identity in this app (our app key).' })
  @Transform(emptyAsUndefined)
  @IsOptional()
  @IsString()
  @Matches(APP_KEY_PATTERN, { message: 'app must be an app key (lowercase letters, digits and dashes)' })
  app?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: the user has a unionid, which links its identities across apps.' })
  @Transform(emptyAsUndefined)
  @IsOptional()
  @IsIn(['true', 'false'])
  linked?: 'true' | 'false';

  @ApiPropertyOptional({ enum: ['active', 'disabled', 'deleted'] })
  @Transform(emptyAsUndefined)
  @IsOptional()
  @IsIn(['active', 'disabled', 'deleted'])
  status?: 'active' | 'disabled';
}

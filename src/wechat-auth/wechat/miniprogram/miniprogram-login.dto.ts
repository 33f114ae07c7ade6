import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

export const WECHAT_CODE_PATTERN = /^[A-Za-z0-9_-]+$/;
export const APP_KEY_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

export class MiniProgramLoginDto {
  @ApiProperty({ description: 'The code wx.login() gave the Mini Program.', example: '0a3Bc5Def6GhI7jK8LmN9oP0qRsT1uVw' })
  @IsString()
  @Length(8, 128)
  @Matches(WECHAT_CODE_PATTERN, { message: 'code may contain only letters, digits, - and _' })
  code: string;

  @ApiPropertyOptional({ description: 'Our key of the Mini Program; optional when only one is configured.', example: 'demo-miniprogram' })
  @IsOptional()
  @IsString()
  @Length(1, 63)
  @Matches(APP_KEY_PATTERN, { message: 'app must be an app key (lowercase letters, digits and dashes)' })
  app?: string;
}

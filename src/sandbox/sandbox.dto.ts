import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { WECHAT_APP_TYPES } from '../wechat-auth/wechat/apps/wechat-app';

export class SandboxAppView {
  @ApiProperty() key: string;
  @ApiProperty({ enum: WECHAT_APP_TYPES }) type: string;
  @ApiProperty() appid: string;
  @ApiProperty() openPlatformBound: boolean;
  @ApiProperty({ description: 'Mini Programs: a version released after April 2021, whose user info carries only WeChat’s placeholders.' })
  newStyleProfile: boolean;
}

export class WxLoginDto {
  @ApiProperty({ example: 'wxd000000000000001' })
  @IsString()
  @Length(1, 64)
  appid: string;

  @ApiProperty({ description: 'A persona: any name; the same name is the same WeChat user.', example: 'alice' })
  @IsString()
  @Length(1, 64)
  user: string;
}

export class AppBindingDto {
  @ApiPropertyOptional({ description: 'Whether WeChat answers unionids for this app from now on.' })
  @IsOptional()
  @IsBoolean()
  openPlatformBound?: boolean;

  @ApiPropertyOptional({
    description: 'Whether the Mini Program is a new-style version (after April 2021): its sealed user info then carries the placeholder nickname 微信用户 and the grey avatar, whatever data was asked for.',
  })
  @IsOptional()
  @IsBoolean()
  newStyleProfile?: boolean;
}

/** What a native app's `SendAuth.Req` asks the WeChat app for. */
export class SendAuthDto extends WxLoginDto {
  @ApiPropertyOptional({ description: 'The scope SendAuth asks for; mobile apps ask for snsapi_userinfo.', example: 'snsapi_userinfo' })
  @IsOptional()
  @IsIn(['snsapi_userinfo'])
  scope?: string;
}

export class CodeView {
  @ApiProperty() code: string;
}

export class FaultDto {
  @ApiProperty({ description: "WeChat's own path", example: '/sns/jscode2session' })
  @IsString()
  @Matches(/^\/[a-z0-9_/.-]+$/i)
  path: string;

  @ApiPropertyOptional({ description: 'Answer this WeChat errcode', example: -1 })
  @IsOptional()
  @IsInt()
  errcode?: number;

  @ApiPropertyOptional({ description: 'Answer this raw HTTP status (with body)', example: 502 })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(599)
  httpStatus?: number;

  @ApiPropertyOptional({ description: 'Raw body to send with httpStatus' })
  @IsOptional()
  @IsString()
  @MaxLength(16_384)
  body?: string;

  @ApiPropertyOptional({ description: 'Delay the answer this long' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60_000)
  delayMs?: number;

  @ApiPropertyOptional({ description: 'How many calls the fault hits', default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  times?: number;
}

export class ClockDto {
  @ApiProperty({ description: "Move the sandbox's clock forward (e.g. past a code's 5-minute life)", example: 301 })
  @IsInt()
  @Min(0)
  @Max(31_536_000)
  advanceSeconds: number;
}

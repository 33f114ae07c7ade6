import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';

export class PersonaDto {
  @ApiProperty({ description: 'A persona: any name; the same name is the same WeChat user.', example: 'alice' })
  @IsString()
  @Length(1, 64)
  user: string;

  @ApiPropertyOptional({ description: 'WeChat marks this user is_snapshotuser (a snapshot-page user who never really authorized).' })
  @IsOptional()
  @IsBoolean()
  snapshotUser?: boolean;

  @ApiPropertyOptional({ description: 'WeChat leaves out this user’s unionid even in bound apps, until set back to false.' })
  @IsOptional()
  @IsBoolean()
  unionidWithheld?: boolean;

  @ApiPropertyOptional({ description: 'The nickname /sns/userinfo answers (default: the persona name).' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  nickname?: string;
}

import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token of the latest token pair.' })
  @IsString()
  @Length(1, 512)
  refreshToken: string;
}

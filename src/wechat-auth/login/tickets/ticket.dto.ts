import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class RedeemTicketDto {
  @ApiProperty({ description: 'The one-time ticket from the #ticket= fragment of the OAuth return URL.' })
  @IsString()
  @MaxLength(128)
  ticket: string;
}

import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** PKCE: the verifier a browser kept when it started an OAuth login, sent with the ticket that login came back with. */
export function PkceVerifier(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description }),
    IsOptional(),
    IsString(),
    Matches(/^[A-Za-z0-9._~-]{43,128}$/, { message: 'verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~' }),
  );
}

export class RedeemTicketDto {
  @ApiProperty({ description: 'The one-time ticket from the #ticket= fragment of the OAuth return URL.' })
  @IsString()
  @MaxLength(128)
  ticket: string;

  @PkceVerifier(
    'PKCE: the verifier whose SHA-256 the browser sent as challenge when it started the login. Required for tickets of browser logins; hand-off tickets have none.',
  )
  verifier?: string;
}

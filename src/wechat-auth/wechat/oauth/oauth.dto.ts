import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export const OAUTH_SCOPES = ['snsapi_base', 'snsapi_userinfo', 'snsapi_login'] as const;
export type OAuthScope = (typeof OAUTH_SCOPES)[number];

export class AuthorizeQueryDto {
  @ApiProperty({
    description: "PKCE (RFC 7636, S256): base64url(SHA-256(verifier)). The browser keeps the verifier (sessionStorage) and sends it with the ticket, so a ticket is good only in the browser that started the login.",
    example: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'challenge must be base64url(SHA-256(verifier)), 43 characters' })
  challenge: string;

  @ApiPropertyOptional({ description: 'Where the browser goes back with #ticket=: a path here, or a URL on an allowed frontend origin.', default: '/' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  returnTo?: string;

  @ApiPropertyOptional({
    enum: OAUTH_SCOPES,
    description: 'Official Account: snsapi_base (silent, default) or snsapi_userinfo (consent, profile). Website: snsapi_login only.',
  })
  @IsOptional()
  @IsIn(OAUTH_SCOPES)
  scope?: OAuthScope;
}

/** What WeChat appends to our callback URL, plus the returnTo we put in it. */
export class CallbackQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(256)
  code?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  state?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2048)
  returnTo?: string;
}

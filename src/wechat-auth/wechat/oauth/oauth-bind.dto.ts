import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { OAUTH_SCOPES, OAuthScope } from './oauth.dto';

export class StartBindDto {
  @ApiProperty({ description: 'Where the browser goes back with #bindTicket=: a path here, or a URL on an allowed frontend origin.' })
  @IsString()
  @MaxLength(2048)
  returnTo: string;

  @ApiPropertyOptional({ enum: OAUTH_SCOPES, description: 'As for login: Official Accounts snsapi_base (default) or snsapi_userinfo; websites snsapi_login.' })
  @IsOptional()
  @IsIn(OAUTH_SCOPES)
  scope?: OAuthScope;
}

export class BindUrlView {
  @ApiProperty({ description: "WeChat's authorize page (QR page for website apps), with a state good only for this session." }) url: string;
}

export class ConfirmBindDto {
  @ApiProperty({ description: 'The one-time ticket from the #bindTicket= fragment of the return URL.' })
  @IsString()
  @MaxLength(128)
  bindTicket: string;
}

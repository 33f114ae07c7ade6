import { ApiProperty } from '@nestjs/swagger';

/** One place the caller is signed in, as they may see it: never a token. */
export class SessionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true, description: 'Our key of the app the session was opened through.' }) app: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ description: 'The sign-in or the last refresh of the session.' }) lastUsedAt: Date;
  @ApiProperty({ type: String, nullable: true }) ip: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent: string | null;
  @ApiProperty({ description: 'The session of the token that asked.' }) current: boolean;
}

export class SessionList {
  @ApiProperty({ type: [SessionView] }) items: SessionView[];
}

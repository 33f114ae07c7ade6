import { ApiProperty } from '@nestjs/swagger';

export class TokenPairUser {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'True when this login created the user.' }) isNew: boolean;
  @ApiProperty({ type: String, nullable: true }) nickname: string | null;
  @ApiProperty({ type: String, nullable: true }) avatarUrl: string | null;
  @ApiProperty({ type: [String], example: ['user'] }) roles: string[];
}

/** What every login and every refresh answers (API.md, "Token pair"). */
export class TokenPair {
  @ApiProperty({ description: 'A JWT (typ at+jwt) for Authorization: Bearer.' }) accessToken: string;
  @ApiProperty({ description: 'Opaque; spent by its first use on /auth/refresh (presented again within the grace window, it gets the same new pair).' }) refreshToken: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType: 'Bearer';
  @ApiProperty({ example: 900 }) expiresIn: number;
  @ApiProperty({ example: 2592000 }) refreshExpiresIn: number;
  @ApiProperty({ type: TokenPairUser }) user: TokenPairUser;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { WxLoginDto } from './sandbox.dto';

export class PhoneCodeDto extends WxLoginDto {
  @ApiPropertyOptional({ description: 'The number the persona shares; a stable one of its own when absent.', example: '13800138000' })
  @IsOptional()
  @Matches(/^[0-9]{5,15}$/)
  phone?: string;
}

export class EncryptedDataDto extends WxLoginDto {
  @ApiProperty({
    description: 'What to seal, e.g. a userInfo; a watermark with this appid is added unless one is given.',
    example: { nickName: 'Alice', avatarUrl: 'https://thirdwx.qlogo.cn/mmopen/alice/132' },
  })
  @IsObject()
  data: Record<string, unknown>;
}

export class SealedUserDataView {
  @ApiProperty() encryptedData: string;
  @ApiProperty() iv: string;
  @ApiProperty() rawData: string;
  @ApiProperty({ description: 'sha1(rawData + session_key), hex' }) signature: string;
}

export class AppTokenControlDto {
  @ApiProperty({ example: 'wxd000000000000001' })
  @IsString()
  @Length(1, 64)
  appid: string;
}

export class AgeAppTokenDto extends AppTokenControlDto {
  @ApiProperty({ description: 'Seconds the current stable token has left afterwards', example: 60 })
  @IsInt()
  @Min(0)
  @Max(7200)
  secondsLeft: number;
}

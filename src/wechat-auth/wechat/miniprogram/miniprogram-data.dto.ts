import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBase64, IsInt, IsObject, IsOptional, IsString, IsUrl, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { MiniProgramLoginDto, WECHAT_CODE_PATTERN } from './miniprogram-login.dto';

/** Which Mini Program, as at login: optional when only one is configured. */
class MiniProgramAppDto extends PickType(MiniProgramLoginDto, ['app'] as const) {}


export class PhoneNumberDto extends MiniProgramAppDto {
  @ApiProperty({ description: 'The code the getPhoneNumber button gave (not a wx.login code).', example: 'e31968a7f94cc5ee25fafc2aef2773f0bb8c3937b22520eb8ee345274d00c144' })
  @IsString()
  @Length(8, 128)
  @Matches(WECHAT_CODE_PATTERN, { message: 'code may contain only letters, digits, - and _' })
  code: string;
}

export class PhoneNumberView {
  @ApiProperty({ description: 'With the country code for numbers outside mainland China', example: '+8613800138000' }) phoneNumber: string;
  @ApiProperty({ example: '13800138000' }) purePhoneNumber: string;
  @ApiProperty({ example: '86' }) countryCode: string;
}

export class EncryptedProfileDto extends MiniProgramAppDto {
  @ApiProperty({ description: 'encryptedData from wx.getUserInfo / getUserProfile, base64' })
  @IsString()
  @MaxLength(16_384)
  @IsBase64()
  encryptedData: string;

  @ApiProperty({ description: 'iv that came with it, base64 (16 bytes)' })
  @IsString()
  @Length(24, 24)
  @IsBase64()
  iv: string;

  @ApiPropertyOptional({ description: 'rawData that came with it; send it together with signature' })
  @IsOptional()
  @IsString()
  @MaxLength(8_192)
  rawData?: string;

  @ApiPropertyOptional({ description: 'signature that came with it: sha1(rawData + session_key), hex' })
  @IsOptional()
  @Matches(/^[0-9a-f]{40}$/i, { message: 'signature must be 40 hex digits' })
  signature?: string;
}

class Watermark {
  @IsString()
  appid: string;

  @IsInt()
  timestamp: number;
}

const PRINTABLE = /^[^\u0000-\u001f\u007f]+$/;

/** The part of decrypted user data we store, checked before it is: WeChat vouches for the envelope, not for its sizes. */
export class DecryptedProfile {
  /** WeChat seals the user's own openId into user info: data of another user is not theirs to give. */
  @IsOptional()
  @IsString()
  openId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(PRINTABLE, { message: 'nickName must not contain control characters' })
  nickName?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1_024)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'avatarUrl must be an http(s) URL' })
  avatarUrl?: string;

  @IsObject()
  @ValidateNested()
  @Type(() => Watermark)
  watermark: Watermark;
}

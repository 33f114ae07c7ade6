import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches, MaxLength } from 'class-validator';
import { PhoneNumberDto } from '../../wechat/miniprogram/miniprogram-data.dto';
import { WECHAT_CODE_PATTERN } from '../../wechat/miniprogram/miniprogram-login.dto';
import { PkceVerifier } from '../tickets/ticket.dto';
import { SignUpPending } from './signup-tickets.service';

export class PhoneSignUpDto extends PhoneNumberDto {
  @ApiProperty({ description: 'The signupTicket a login answered instead of a token pair.' })
  @IsString()
  @MaxLength(128)
  signupTicket: string;

  @ApiProperty({
    description:
      'A fresh wx.login() code of the Mini Program the phone code is from, taken when the phone button is pressed: WeChat must say it is the person the ticket is for (the same openid in that Mini Program, or the same unionid).',
    example: '0a3Bc5Def6GhI7jK8LmN9oP0qRsT1uVw',
  })
  @IsString()
  @Length(8, 128)
  @Matches(WECHAT_CODE_PATTERN, { message: 'loginCode may contain only letters, digits, - and _' })
  loginCode: string;

  @PkceVerifier(
    'PKCE: for a sign-up that began with an Official Account or website login (#signupTicket= in the return URL), the verifier whose SHA-256 that login started with. Mini Program and mobile app sign-ups have none.',
  )
  verifier?: string;
}

export class SignUpPendingView implements SignUpPending {
  @ApiProperty({ description: 'One-time; send it with a getPhoneNumber code and a fresh wx.login code to POST /auth/signup/phone.' }) signupTicket: string;
  @ApiProperty({ enum: ['phone'] }) next: 'phone';
  @ApiProperty({ example: 600 }) expiresIn: number;
}


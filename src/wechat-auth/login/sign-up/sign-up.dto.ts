import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { PhoneNumberDto } from '../../wechat/miniprogram/miniprogram-data.dto';
import { PkceVerifier } from '../tickets/ticket.dto';
import { SignUpPending } from './signup-tickets.service';

export class PhoneSignUpDto extends PhoneNumberDto {
  @ApiProperty({ description: 'The signupTicket a login answered instead of a token pair.' })
  @IsString()
  @MaxLength(128)
  signupTicket: string;

  @PkceVerifier(
    'PKCE: for a sign-up that began with an Official Account or website login (#signupTicket= in the return URL), the verifier whose SHA-256 that login started with. Mini Program and mobile app sign-ups have none.',
  )
  verifier?: string;
}

export class SignUpPendingView implements SignUpPending {
  @ApiProperty({ description: 'One-time; send it with a getPhoneNumber code to POST /auth/signup/phone.' }) signupTicket: string;
  @ApiProperty({ enum: ['phone'] }) next: 'phone';
  @ApiProperty({ example: 600 }) expiresIn: number;
}


import { ApiProperty } from '@nestjs/swagger';
import { MiniProgramLoginDto } from '../miniprogram/miniprogram-login.dto';

/** The same rules as a Mini Program's code; only where the code comes from differs. */
export class MobileAppLoginDto extends MiniProgramLoginDto {
  @ApiProperty({ description: 'The code SendAuth gave the app (WeChat OpenSDK on iOS or Android).', example: '061Xa2Ga1QjcrB0Dq4Ia1vRbUV3Xa2Gf' })
  declare code: string;
}

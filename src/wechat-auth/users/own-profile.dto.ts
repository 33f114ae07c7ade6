import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class RenameDto {
  @ApiProperty({ description: 'What the person typed in <input type="nickname">; cleaned like every stored nickname.', example: '梅', minLength: 1, maxLength: 64 })
  @IsString()
  @Length(1, 64)
  nickname: string;
}

import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CreateNoteDto {
  @ApiProperty({ minLength: 1, maxLength: 500, example: 'Buy oolong tea' })
  @IsString()
  @Length(1, 500)
  text: string;
}

export class NoteView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() text: string;
  @ApiProperty() createdAt: Date;
}

export class NoteList {
  @ApiProperty({ type: [NoteView], description: 'Newest first.' }) items: NoteView[];
}

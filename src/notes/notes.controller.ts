import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../wechat-auth';
import { Note } from './note.entity';
import { CreateNoteDto, NoteList, NoteView } from './note.dto';
import { NotesRepository } from './notes.repository';

function toView(note: Note): NoteView {
  return { id: note.id, text: note.text, createdAt: note.createdAt };
}

/**
 * An ordinary feature module of the monolith with rows per user. No auth code
 * of its own: the global guard closes these routes, `@CurrentUser()` names
 * the writer.
 */
@ApiTags('example: notes')
@ApiBearerAuth()
@Controller('notes')
export class NotesController {
  constructor(private readonly notes: NotesRepository) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: NoteView })
  async create(@CurrentUser() user: AuthUser, @Body() body: CreateNoteDto): Promise<NoteView> {
    return toView(await this.notes.create(user.id, body.text));
  }

  @Get()
  @ApiOkResponse({ type: NoteList })
  async list(@CurrentUser() user: AuthUser): Promise<NoteList> {
    return { items: (await this.notes.listFor(user.id)).map(toView) };
  }
}

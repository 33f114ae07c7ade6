import { Module } from '@nestjs/common';
import { Note } from './note.entity';
import { CreateNotes1764300000000 } from './migrations/1764300000000-create-notes';
import { NotesController } from './notes.controller';
import { NotesLifecycle } from './notes-lifecycle';
import { NotesRepository } from './notes.repository';

/** The host's TypeORM connection needs these next to the module's own. */
export const NOTES_ENTITIES = [Note];
export const NOTES_MIGRATIONS = [CreateNotes1764300000000];

/** The example module with data: notes per user, kept whole through merges and erased with their writer. */
@Module({
  controllers: [NotesController],
  providers: [NotesRepository, NotesLifecycle],
})
export class NotesModule {}

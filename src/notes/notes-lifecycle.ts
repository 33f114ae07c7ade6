import { Injectable } from '@nestjs/common';
import { OnUserDeleted, OnUsersMerged, UserDeletedEvent, UsersMergedEvent } from '../wechat-auth';
import { NotesRepository } from './notes.repository';

/** Notes follow their writer: to the surviving user of a merge, and out of the database with a deleted user. */
@Injectable()
export class NotesLifecycle {
  constructor(private readonly notes: NotesRepository) {}

  @OnUsersMerged()
  async moveToSurvivor(event: UsersMergedEvent): Promise<void> {
    await this.notes.moveAll(event.manager, event.fromUserId, event.intoUserId);
  }

  @OnUserDeleted()
  async erase(event: UserDeletedEvent): Promise<void> {
    await this.notes.eraseAll(event.manager, event.userId);
  }
}

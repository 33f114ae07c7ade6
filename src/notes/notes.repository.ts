import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Note } from './note.entity';

@Injectable()
export class NotesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(userId: string, text: string): Promise<Note> {
    return this.dataSource.getRepository(Note).save({ userId, text });
  }

  /** The user's notes, newest first. */
  listFor(userId: string): Promise<Note[]> {
    return this.dataSource.getRepository(Note).find({ where: { userId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  /** In the caller's transaction. */
  async moveAll(manager: EntityManager, fromUserId: string, intoUserId: string): Promise<void> {
    await manager.update(Note, { userId: fromUserId }, { userId: intoUserId });
  }

  /** In the caller's transaction. */
  async eraseAll(manager: EntityManager, userId: string): Promise<void> {
    await manager.delete(Note, { userId });
  }
}

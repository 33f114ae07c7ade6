import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../wechat-auth';

/**
 * A note a user wrote. The foreign key to users has no ON DELETE action on
 * purpose: a user row cannot vanish while notes point at it, so a merge or a
 * deletion that forgot this table fails instead of losing or orphaning notes.
 */
@Entity({ name: 'notes' })
@Index('notes_user_id_created_at_idx', ['userId', 'createdAt'])
export class Note {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  @ForeignKey(() => User, { name: 'notes_user_id_fkey' })
  userId: string;

  @Column({ type: 'text' })
  text: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

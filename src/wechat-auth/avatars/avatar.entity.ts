import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { User } from '../users/entities/user.entity';

/** An avatar a person uploaded, kept by the default storage; one per user (a new one replaces it). */
@Entity({ name: 'avatars' })
@Index('avatars_user_id_key', ['userId'], { unique: true })
export class Avatar {
  /** `<random>.<extension>`: the URL's last segment; a new upload gets a new name, so an avatar URL never changes what it shows. */
  @PrimaryColumn({ type: 'text' })
  name: string;

  @Column({ name: 'user_id', type: 'uuid' })
  @ForeignKey(() => User, { name: 'avatars_user_id_fkey', onDelete: 'CASCADE' })
  userId: string;

  @Column({ name: 'content_type', type: 'text' })
  contentType: string;

  @Column({ type: 'bytea' })
  bytes: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { User } from './user.entity';

/** A user who lost a phone number another user also held when the phone became a unique key; for an admin to settle. */
@Entity({ name: 'phone_conflicts' })
export class PhoneConflict {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  @ForeignKey(() => User, { name: 'phone_conflicts_user_id_fkey', onDelete: 'CASCADE' })
  userId: string;

  @Column({ type: 'text' })
  phone: string;

  /** The user who kept the number: the one who signed in last. */
  @Column({ name: 'kept_by_user_id', type: 'uuid' })
  keptByUserId: string;

  @Column({ name: 'found_at', type: 'timestamptz', default: () => 'now()' })
  foundAt: Date;
}

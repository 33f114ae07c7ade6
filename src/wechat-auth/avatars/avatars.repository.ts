import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { InjectWechatAuthDataSource } from '../core/data-source';
import type { AvatarImage } from './avatar-image';

/** The avatars the default storage keeps, in PostgreSQL. */
@Injectable()
export class AvatarsRepository {
  constructor(@InjectWechatAuthDataSource() private readonly dataSource: DataSource) {}

  /**
   * Keeps the picture as the user's one avatar, replacing any earlier one;
   * false when the user is deleted or merged away. The user's row is locked
   * for the insert: an account deletion or a merge in progress (both lock it
   * first) is waited for, and then no picture is kept for the tombstone or
   * for a user that no longer exists.
   */
  async replace(userId: string, name: string, image: AvatarImage): Promise<boolean> {
    const kept = (await this.dataSource.query(
      `INSERT INTO avatars (name, user_id, content_type, bytes)
       SELECT $1::text, id, $3::text, $4::bytea FROM users WHERE id = $2 AND status <> 'deleted' FOR KEY SHARE
       ON CONFLICT (user_id) DO UPDATE SET name = EXCLUDED.name, content_type = EXCLUDED.content_type, bytes = EXCLUDED.bytes, created_at = now()
       RETURNING name`,
      [name, userId, image.contentType, image.bytes],
    )) as unknown[];
    return kept.length > 0;
  }

  async find(name: string): Promise<AvatarImage | null> {
    const rows = (await this.dataSource.query(`SELECT content_type, bytes FROM avatars WHERE name = $1`, [name])) as Array<{
      content_type: AvatarImage['contentType'];
      bytes: Buffer;
    }>;
    return rows[0] ? { contentType: rows[0].content_type, bytes: rows[0].bytes } : null;
  }

  /** A merge: the survivor keeps its own avatar, else takes the merged-away user's. */
  async moveOnMerge(db: EntityManager, fromUserId: string, intoUserId: string): Promise<void> {
    await db.query(`UPDATE avatars SET user_id = $2 WHERE user_id = $1 AND NOT EXISTS (SELECT 1 FROM avatars WHERE user_id = $2)`, [fromUserId, intoUserId]);
  }

  async erase(db: EntityManager, userId: string): Promise<void> {
    await db.query(`DELETE FROM avatars WHERE user_id = $1`, [userId]);
  }
}

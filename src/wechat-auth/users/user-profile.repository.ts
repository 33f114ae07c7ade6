import { Injectable } from '@nestjs/common';
import { InjectWechatAuthDataSource } from '../core/data-source';
import { DataSource } from 'typeorm';
import type { ProfileUpdate } from './identity.repository';
import { cleanProfile } from './profile-rules';
import { rethrowPhoneInUse } from './verified-phone';

/** What a user tells us about themselves through WeChat once signed in: phone number and profile. */
@Injectable()
export class UserProfileRepository {
  constructor(@InjectWechatAuthDataSource() private readonly dataSource: DataSource) {}

  /** False when the user no longer exists (merged away or deleted); `phone_in_use` when another user holds the number. */
  async setPhone(userId: string, phone: string): Promise<boolean> {
    const [, affected] = (await this.dataSource
      .query(`UPDATE users SET phone = $2, updated_at = now() WHERE id = $1 AND status <> 'deleted'`, [userId, phone])
      .catch(rethrowPhoneInUse)) as [unknown, number];
    return affected > 0;
  }

  /** Replaces the fields given; false when the user no longer exists. */
  async updateProfile(userId: string, given: ProfileUpdate): Promise<boolean> {
    const profile = cleanProfile(given);
    const [, affected] = (await this.dataSource.query(
      `UPDATE users SET nickname = COALESCE($2, nickname), avatar_url = COALESCE($3, avatar_url), updated_at = now() WHERE id = $1 AND status <> 'deleted'`,
      [userId, profile.nickname ?? null, profile.avatarUrl ?? null],
    )) as [unknown, number];
    return affected > 0;
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Not } from 'typeorm';
import { identityLockKeys, takeAdvisoryLocks } from '../core/advisory-locks';
import { InjectWechatAuthDataSource } from '../core/data-source';
import { User } from './entities/user.entity';
import { WechatIdentity } from './entities/wechat-identity.entity';
import { rethrowPhoneInUse } from './verified-phone';

@Injectable()
export class UsersRepository {
  constructor(@InjectWechatAuthDataSource() private readonly dataSource: DataSource) {}

  /**
   * Deletes an account in one transaction, leaving a tombstone (id and
   * deletion time, nothing personal): `within` runs first, in the same
   * transaction (lifecycle subscribers, sessions, history); then the WeChat
   * identities (with their session keys) and the user's phone conflicts go,
   * so the same WeChat account
   * signs up afresh. A login of the person waits on the same locks and comes
   * after as a new user. False when there is no such active or disabled user.
   */
  async eraseAccount(userId: string, within: (db: EntityManager) => Promise<void>): Promise<boolean> {
    return this.dataSource.transaction(async (db) => {
      const identities = (await db.query(`SELECT appid, openid, unionid FROM wechat_identities WHERE user_id = $1`, [userId])) as Array<{
        appid: string;
        openid: string;
        unionid: string | null;
      }>;
      // The locks every login of these identities takes first, in the same order.
      await takeAdvisoryLocks(db, identities.flatMap((identity) => identityLockKeys(identity.appid, identity.openid, identity.unionid)));
      const [owner] = (await db.query(`SELECT id FROM users WHERE id = $1 AND status <> 'deleted' FOR UPDATE`, [userId])) as unknown[];
      if (!owner) return false;
      await within(db);
      await db.query(`DELETE FROM wechat_identities WHERE user_id = $1`, [userId]);
      // The tombstone keeps its row, so nothing cascades: the numbers it lost to another user go too.
      await db.query(`DELETE FROM phone_conflicts WHERE user_id = $1`, [userId]);
      await db.query(
        `UPDATE users SET status = 'deleted', deleted_at = now(), updated_at = now(),
           unionid = NULL, nickname = NULL, avatar_url = NULL, phone = NULL, roles = '{}', last_login_at = NULL
         WHERE id = $1`,
        [userId],
      );
      return true;
    });
  }

  /** A user the host makes (no WeChat identity yet); `db`: the host's transaction, if it has one. */
  async create(fields: { phone: string | null; nickname: string | null; roles: string[] }, db: EntityManager = this.dataSource.manager): Promise<User> {
    const rows = (await db
      .query(`INSERT INTO users (phone, nickname, roles) VALUES ($1, $2, $3) RETURNING id`, [fields.phone, fields.nickname, fields.roles])
      .catch(rethrowPhoneInUse)) as Array<{ id: string }>;
    return (await db.findOne(User, { where: { id: rows[0].id }, relations: { identities: true } }))!;
  }

  /** The live user holding a verified phone number, with identities. */
  findByPhone(phone: string): Promise<User | null> {
    return this.dataSource.manager.findOne(User, { where: { phone, status: Not('deleted') }, relations: { identities: true } });
  }

  /** The openid a user has in one app, or null when they never signed in to it. */
  async openidIn(userId: string, appKey: string): Promise<string | null> {
    const rows = (await this.dataSource.query(`SELECT openid FROM wechat_identities WHERE user_id = $1 AND app_key = $2 ORDER BY created_at LIMIT 1`, [
      userId,
      appKey,
    ])) as Array<{ openid: string }>;
    return rows[0]?.openid ?? null;
  }

  findWithIdentities(id: string): Promise<User | null> {
    return this.dataSource.manager.findOne(User, {
      where: { id },
      relations: { identities: true },
      order: { identities: { createdAt: 'ASC' } },
    });
  }

  /** The user an identity is bound to now (after any merge). */
  findByIdentity(identityId: string): Promise<User | null> {
    return this.dataSource.manager
      .createQueryBuilder(User, 'user')
      .innerJoin(WechatIdentity, 'identity', 'identity.user_id = user.id')
      .where('identity.id = :identityId', { identityId })
      .getOne();
  }
}

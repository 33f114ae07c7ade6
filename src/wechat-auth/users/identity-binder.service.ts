import { Injectable } from '@nestjs/common';
import { identityLockKeys } from '../core/advisory-locks';
import { AppError } from '../core/errors/app-error';
import { timeOrderedId } from '../core/time-ordered-id';
import { CommittedEvent } from '../lifecycle/user-lifecycle.events';
import { UserLifecycle } from '../lifecycle/user-lifecycle.service';
import { RevocationEvent } from '../tokens/revocation/revocation-events';
import { RevocationList } from '../tokens/revocation/revocation-list';
import { User } from './entities/user.entity';
import { IdentityRepository, IdentityTransaction } from './identity.repository';
import { SessionKeyRepository } from './session-key.repository';
import { VerifiedWechatIdentity } from './wechat-profile';

/**
 * A signed-in person binds another WeChat identity to their account. Who
 * presents a fresh code of an identity controls it, so a user that held it
 * (or its unionid) is the same person and is merged into the caller.
 */
@Injectable()
export class IdentityBinder {
  constructor(
    private readonly identities: IdentityRepository,
    private readonly sessionKeys: SessionKeyRepository,
    private readonly lifecycle: UserLifecycle,
    private readonly revocations: RevocationList,
  ) {}

  async bind(userId: string, verified: VerifiedWechatIdentity): Promise<void> {
    const committed: CommittedEvent[] = [];
    const revoked: RevocationEvent[] = [];
    const identityId = await this.identities.transaction((tx) => this.bindLocked(tx, userId, verified, committed, revoked));
    for (const event of revoked) this.revocations.add(event);
    this.lifecycle.publish(committed);
    if (verified.sessionKey) await this.sessionKeys.replace(identityId, verified.sessionKey);
  }

  private async bindLocked(
    tx: IdentityTransaction,
    userId: string,
    verified: VerifiedWechatIdentity,
    committed: CommittedEvent[],
    revoked: RevocationEvent[],
  ): Promise<string> {
    const { app, openid } = verified;
    const unionid = verified.unionid || null;
    // The locks a login of this identity takes: a concurrent login or bind of it waits for this one.
    await tx.lock(identityLockKeys(app.appid, openid, unionid));
    const caller = await tx.findUser(userId);
    if (!caller || caller.status !== 'active') throw new AppError('session_revoked', 'This account is no longer active. Sign in again.');
    const { identity, unionUser } = await tx.findUnderLock(app.appid, openid, unionid);
    const others = [identity?.user, unionUser].filter((user, index, all): user is User => !!user && user.id !== userId && all.findIndex((u) => u?.id === user.id) === index);
    // One person has one unionid: two different ones mean two WeChat users, which no bind may join.
    const unionids = new Set([unionid, caller.unionid, ...others.map((other) => other.unionid)].filter((id): id is string => !!id));
    if (unionids.size > 1) throw new AppError('unionid_conflict');
    if (others.some((other) => other.status !== 'active')) throw new AppError('user_disabled', 'That WeChat account belongs to a disabled account.');

    for (const other of others) {
      const merge = { fromUserId: other.id, intoUserId: userId, manager: tx.manager };
      revoked.push(...(await tx.mergeUsers(other.id, userId, () => this.lifecycle.inTransaction('users.merged', merge))).events);
      await tx.recordMerge(other.id, userId, app.key);
    }
    const [personUnionid] = unionids;
    if (personUnionid && !caller.unionid) await tx.setUserUnionid(userId, personUnionid);
    if (identity) {
      if (unionid && identity.unionid !== unionid) await tx.setIdentityUnionid(identity.id, unionid);
      if (identity.userId !== userId) committed.push({ name: 'identity.bound', payload: { userId, identityId: identity.id, appKey: app.key, newUser: false } });
      return identity.id;
    }
    const created = await tx.createIdentity({ id: timeOrderedId(), userId, appKey: app.key, appid: app.appid, appType: app.type, openid, unionid });
    committed.push({ name: 'identity.bound', payload: { userId, identityId: created.id, appKey: app.key, newUser: false } });
    return created.id;
  }
}

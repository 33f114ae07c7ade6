import { Injectable } from '@nestjs/common';
import { identityLockKeys } from '../core/advisory-locks';
import { CommittedEvent } from '../lifecycle/user-lifecycle.events';
import { UserLifecycle } from '../lifecycle/user-lifecycle.service';
import { RevocationEvent } from '../tokens/revocation/revocation-events';
import { RevocationList } from '../tokens/revocation/revocation-list';
import { User } from './entities/user.entity';
import { WechatIdentity } from './entities/wechat-identity.entity';
import { IdentityRepository, IdentityTransaction } from './identity.repository';
import { SessionKeyRepository } from './session-key.repository';
import { VerifiedWechatIdentity } from './wechat-profile';

export interface ResolvedLogin {
  user: User;
  identity: WechatIdentity;
  /** True when this login created the user. */
  isNew: boolean;
}

/**
 * The rules of identity: (appid, openid) names one identity; identities that
 * share a unionid belong to one user; a unionid that shows up later links
 * (and where needed merges) users. Every path is safe under concurrency.
 */
@Injectable()
export class IdentityLinker {
  constructor(
    private readonly identities: IdentityRepository,
    private readonly sessionKeys: SessionKeyRepository,
    private readonly lifecycle: UserLifecycle,
    private readonly revocations: RevocationList,
  ) {}

  async resolveLogin(verified: VerifiedWechatIdentity): Promise<ResolvedLogin> {
    const resolved = await this.resolveIdentity(verified);
    // Outside the linking transaction on purpose: a session_key that failed to land only means the next encrypted payload asks for wx.login again.
    if (verified.sessionKey) await this.sessionKeys.replace(resolved.identity.id, verified.sessionKey);
    return resolved;
  }

  private async resolveIdentity(verified: VerifiedWechatIdentity): Promise<ResolvedLogin> {
    const unionid = verified.unionid || null;
    const known = await this.identities.findIdentity(verified.app.appid, verified.openid);
    if (known && !this.needsLinking(known, unionid)) {
      return { user: await this.identities.touchLogin(known.id, verified.profile ?? {}), identity: known, isNew: false };
    }
    const committed: CommittedEvent[] = [];
    const revoked: RevocationEvent[] = [];
    const resolved = await this.identities.transaction((tx) => this.resolveLocked(tx, verified, unionid, committed, revoked));
    for (const event of revoked) this.revocations.add(event);
    this.lifecycle.publish(committed);
    return resolved;
  }

  private needsLinking(identity: WechatIdentity, unionid: string | null): boolean {
    return unionid !== null && (identity.unionid !== unionid || identity.user?.unionid !== unionid);
  }

  /** `committed` collects what happened, for the lifecycle subscribers once the transaction has committed. */
  private async resolveLocked(
    tx: IdentityTransaction,
    verified: VerifiedWechatIdentity,
    unionid: string | null,
    committed: CommittedEvent[],
    revoked: RevocationEvent[],
  ): Promise<ResolvedLogin> {
    const { app, openid } = verified;
    const profile = verified.profile ?? {};
    await tx.lock(identityLockKeys(app.appid, openid, unionid));

    // Re-read under the lock: a concurrent login may have created or linked these rows.
    const identity = await tx.findIdentity(app.appid, openid);
    const unionUser = unionid ? await tx.findUserByUnionid(unionid) : null;

    if (!identity) {
      const user = unionUser ?? (await tx.createUser(unionid, profile));
      const created = await tx.createIdentity({ userId: user.id, appKey: app.key, appid: app.appid, appType: app.type, openid, unionid });
      if (!unionUser) committed.push({ name: 'user.created', payload: { userId: user.id, identityId: created.id, appKey: app.key } });
      committed.push({ name: 'identity.bound', payload: { userId: user.id, identityId: created.id, appKey: app.key, newUser: !unionUser } });
      // A new user was created signed in; a known one (found by unionid) records this login.
      return { user: unionUser ? await tx.touchLogin(created.id, profile) : user, identity: created, isNew: !unionUser };
    }

    let userId = identity.userId;
    if (unionid) {
      // Users before identities, the order every login locks rows in, so a concurrent login cannot deadlock with this one.
      if (unionUser && unionUser.id !== userId) {
        // The same person was known as two users: keep the one the unionid already names.
        await this.lifecycle.inTransaction('users.merged', { fromUserId: userId, intoUserId: unionUser.id, manager: tx.manager });
        revoked.push(...(await tx.mergeUsers(userId, unionUser.id)).events);
        await tx.recordMerge(userId, unionUser.id, app.key);
        userId = unionUser.id;
      } else if (!unionUser && !identity.user?.unionid) {
        await tx.setUserUnionid(userId, unionid);
      }
      if (identity.unionid !== unionid) await tx.setIdentityUnionid(identity.id, unionid);
    }
    const user = await tx.touchLogin(identity.id, profile);
    return { user, identity: { ...identity, userId: user.id, unionid: unionid ?? identity.unionid }, isNew: false };
  }
}

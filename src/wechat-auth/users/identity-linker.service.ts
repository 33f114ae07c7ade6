import { Injectable } from '@nestjs/common';
import { identityLockKeys } from '../core/advisory-locks';
import { AppError } from '../core/errors/app-error';
import { KeyedQueue } from '../core/keyed-queue';
import { timeOrderedId } from '../core/time-ordered-id';
import { WechatAuthConfig } from '../options/wechat-auth-config';
import { CommittedEvent } from '../lifecycle/user-lifecycle.events';
import { UserLifecycle } from '../lifecycle/user-lifecycle.service';
import { RevocationEvent } from '../tokens/revocation/revocation-events';
import { RevocationList } from '../tokens/revocation/revocation-list';
import { User } from './entities/user.entity';
import { WechatIdentity } from './entities/wechat-identity.entity';
import { IdentityRepository, IdentityTransaction } from './identity.repository';
import { SessionKeyRepository } from './session-key.repository';
import { signInStamp, SignInStamp } from './sign-in-stamp';
import { VerifiedWechatIdentity } from './wechat-profile';

export interface ResolvedLogin {
  /** As read; where `unstamped` is set, before the sign-in's writes. */
  user: User;
  identity: WechatIdentity;
  /** True when this login created the user. */
  isNew: boolean;
  /**
   * A returning login's sign-in, not written yet: the statement that opens
   * its session writes it too (one commit per login), or `IdentityLinker.stamp`.
   */
  unstamped?: SignInStamp;
}

/** An unknown identity under the `require-phone` policy: nothing was written; the person must show a phone first. */
export interface PendingSignUp {
  next: 'phone';
}

export function isPendingSignUp(outcome: ResolvedLogin | PendingSignUp): outcome is PendingSignUp {
  return 'next' in outcome;
}

/**
 * The rules of identity: (appid, openid) names one identity; identities that
 * share a unionid belong to one user; a unionid that shows up later links
 * (and where needed merges) users. Every path is safe under concurrency.
 */
@Injectable()
export class IdentityLinker {
  private readonly firstLogins = new KeyedQueue();

  constructor(
    private readonly identities: IdentityRepository,
    private readonly sessionKeys: SessionKeyRepository,
    private readonly lifecycle: UserLifecycle,
    private readonly revocations: RevocationList,
    private readonly config: WechatAuthConfig,
  ) {}

  async resolveLogin(verified: VerifiedWechatIdentity): Promise<ResolvedLogin | PendingSignUp> {
    const returning = await this.returningLogin(verified);
    if (returning) return returning;
    // First logins of one identity arriving together (a double tap, a retried request) take turns here;
    // after the first, the others are returning logins and need no transaction. One that did not wait
    // looks no further: only another instance can have created the identity since, which the
    // transaction's re-read under the lock finds.
    return this.firstLogins.run(`${verified.app.appid}:${verified.openid}`, async (waited) =>
      (waited ? await this.returningLogin(verified) : null) ?? this.resolveInTransaction(verified),
    );
  }

  /** Writes a returning login's sign-in on its own (a login that opens no session yet) and answers the user as stamped. */
  stamp(unstamped: SignInStamp): Promise<User> {
    return this.identities.stampSignIn(unstamped);
  }

  /** The common case: a known identity that links nothing, needing no transaction; its sign-in is left to the caller's statement. */
  private async returningLogin(verified: VerifiedWechatIdentity): Promise<ResolvedLogin | null> {
    const known = await this.identities.findIdentity(verified.app.appid, verified.openid);
    if (!known || this.needsLinking(known, verified.unionid || null)) return null;
    return { user: known.user!, identity: known, isNew: false, unstamped: this.signInStamp(verified, known.id) };
  }

  /** What this login writes on the identity: its profile, and the session_key WeChat gave it, sealed for the identity's row. */
  private signInStamp(verified: VerifiedWechatIdentity, identityId: string): SignInStamp {
    return signInStamp(identityId, verified.profile ?? {}, this.sealedSessionKey(verified, identityId));
  }

  private sealedSessionKey(verified: VerifiedWechatIdentity, identityId: string): string | null {
    return verified.sessionKey ? this.sessionKeys.sealFor(identityId, verified.sessionKey) : null;
  }

  private async resolveInTransaction(verified: VerifiedWechatIdentity): Promise<ResolvedLogin | PendingSignUp> {
    const unionid = verified.unionid || null;
    const committed: CommittedEvent[] = [];
    const revoked: RevocationEvent[] = [];
    const resolved = await this.identities.transaction((tx) => this.resolveLocked(tx, verified, unionid, committed, revoked));
    for (const event of revoked) this.revocations.add(event);
    this.lifecycle.publish(committed);
    return resolved;
  }

  /**
   * Who an identity nobody holds (nor its unionid) joins: the user holding
   * the phone WeChat verified for it (a phone sign-up), else what the sign-up
   * policy decides. `user` undefined: a new user.
   */
  private async signUpOwner(tx: IdentityTransaction, verified: VerifiedWechatIdentity, unionid: string | null): Promise<{ user?: User } | PendingSignUp> {
    const { app, openid, verifiedPhone } = verified;
    if (verifiedPhone) {
      const holder = await tx.lockUser({ phone: verifiedPhone });
      return { user: holder ? await this.attachable(tx, holder, app.appid, unionid, 'phone_in_use') : undefined };
    }
    const candidate = { app: { key: app.key, type: app.type, appid: app.appid }, openid, unionid, profile: verified.profile ?? {}, manager: tx.manager };
    const decision = await this.config.signUp.decide(candidate);
    switch (decision.action) {
      case 'create':
        return {};
      case 'refuse':
        throw new AppError('account_not_found');
      case 'require-phone':
        return { next: 'phone' };
      case 'attach': {
        const user = await tx.lockUser({ id: decision.userId });
        if (!user) throw new Error(`The sign-up hook chose user ${decision.userId}, which does not exist`);
        return { user: await this.attachable(tx, user, app.appid, unionid, 'account_not_found') };
      }
    }
  }

  /**
   * A user an unknown identity may join: not another WeChat person (another
   * unionid, or another account in the same app). `refusal` is what the
   * person hears otherwise.
   */
  private async attachable(tx: IdentityTransaction, user: User, appid: string, unionid: string | null, refusal: 'phone_in_use' | 'account_not_found'): Promise<User> {
    const otherPerson = (user.unionid !== null && unionid !== null && user.unionid !== unionid) || (await tx.hasIdentityIn(user.id, appid));
    if (otherPerson) throw new AppError(refusal);
    return user;
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
  ): Promise<ResolvedLogin | PendingSignUp> {
    const { app, openid, verifiedPhone } = verified;
    const profile = verified.profile ?? {};
    // A phone sign-up also serialises on the phone, so two people showing one new number cannot both create a user with it.
    await tx.lock([...identityLockKeys(app.appid, openid, unionid), ...(verifiedPhone ? [`phone:${verifiedPhone}`] : [])]);

    // Re-read under the lock: a concurrent login may have created or linked these rows.
    const { identity, unionUser } = await tx.findUnderLock(app.appid, openid, unionid);

    if (!identity) {
      const owner = unionUser ? { user: unionUser } : await this.signUpOwner(tx, verified, unionid);
      if ('next' in owner) return owner;
      // Its id chosen first, so that its session_key can be sealed for it and stored by the insert.
      const id = timeOrderedId();
      const fields = { id, appKey: app.key, appid: app.appid, appType: app.type, openid, unionid, sealedSessionKey: this.sealedSessionKey(verified, id) };
      if (!owner.user) {
        const { user, identity: created } = await tx.createUserWithIdentity(fields, profile, verifiedPhone ?? null);
        committed.push({ name: 'user.created', payload: { userId: user.id, identityId: created.id, appKey: app.key } });
        committed.push({ name: 'identity.bound', payload: { userId: user.id, identityId: created.id, appKey: app.key, newUser: true } });
        return { user, identity: created, isNew: true };
      }
      const userId = owner.user.id;
      if (unionid && !owner.user.unionid) await tx.setUserUnionid(userId, unionid);
      const created = await tx.createIdentity({ ...fields, userId });
      committed.push({ name: 'identity.bound', payload: { userId, identityId: created.id, appKey: app.key, newUser: false } });
      return { user: await tx.stampSignIn(signInStamp(created.id, profile, null)), identity: created, isNew: false };
    }

    let userId = identity.userId;
    if (unionid) {
      // Users before identities, the order every login locks rows in, so a concurrent login cannot deadlock with this one.
      if (unionUser && unionUser.id !== userId) {
        // The same person was known as two users: keep the one the unionid already names.
        const merge = { fromUserId: userId, intoUserId: unionUser.id, manager: tx.manager };
        revoked.push(...(await tx.mergeUsers(userId, unionUser.id, () => this.lifecycle.inTransaction('users.merged', merge))).events);
        await tx.recordMerge(userId, unionUser.id, app.key);
        userId = unionUser.id;
      } else if (!unionUser && !identity.user?.unionid) {
        await tx.setUserUnionid(userId, unionid);
      }
      if (identity.unionid !== unionid) await tx.setIdentityUnionid(identity.id, unionid);
    }
    const user = await tx.stampSignIn(this.signInStamp(verified, identity.id));
    return { user, identity: { ...identity, userId: user.id, unionid: unionid ?? identity.unionid }, isNew: false };
  }
}

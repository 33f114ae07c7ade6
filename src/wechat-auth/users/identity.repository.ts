import { Injectable, Logger } from '@nestjs/common';
import { InjectWechatAuthDataSource } from '../core/data-source';
import { DataSource, EntityManager } from 'typeorm';
import { identityLockKeys, TAKE_ADVISORY_LOCKS, takeAdvisoryLocks } from '../core/advisory-locks';
import { AppError } from '../core/errors/app-error';
import { Statement, StatementRunner } from '../core/statements';
import { User } from './entities/user.entity';
import { WechatIdentity } from './entities/wechat-identity.entity';
import { IDENTITY_FIELDS, pick, selectList, USER_FIELDS } from './entity-columns';
import { cleanProfile } from './profile-rules';
import { signInStampCtes, SignInStamp } from './sign-in-stamp';
import { rethrowPhoneInUse } from './verified-phone';
import { REVOCATION_CHANNEL, RevocationEvent } from '../tokens/revocation/revocation-events';

export interface NewIdentity {
  /** Chosen by the caller (timeOrderedId), so that a session_key can be sealed for the row before it exists. */
  id: string;
  userId: string;
  appKey: string;
  appid: string;
  appType: WechatIdentity['appType'];
  openid: string;
  unionid: string | null;
  /** Already sealed for this identity's id. */
  sealedSessionKey?: string | null;
}

/** What an unbind detached, for the caller to end the sessions of that app and record it. */
export interface UnboundIdentity {
  appKey: string;
  openid: string;
}

export interface ProfileUpdate {
  nickname?: string | null;
  avatarUrl?: string | null;
}

const FOREIGN_KEY_VIOLATION = '23503';

/** What a merge revoked, for this instance to apply once it has committed (the others hear it by NOTIFY). */
export interface MergeRevocations {
  events: RevocationEvent[];
}

const USER_COLUMNS = selectList(USER_FIELDS, 'users');
const IDENTITY_COLUMNS = selectList(IDENTITY_FIELDS, 'wechat_identities');
type UserRow = Omit<User, 'identities'>;
type IdentityRow = Omit<WechatIdentity, 'user' | 'sessionKey'>;

const IDENTITY_WITH_OWNER = `${selectList(IDENTITY_FIELDS, 'identity')}, ${selectList(USER_FIELDS, 'owner', 'user.')}`;
const IDENTITY_JOIN_OWNER = 'wechat_identities AS identity JOIN users AS owner ON owner.id = identity.user_id';

/** An identity with its user from a row selected as IDENTITY_WITH_OWNER; null where the join found none. */
function identityWithOwner(db: EntityManager, row: Record<string, unknown> | undefined): WechatIdentity | null {
  if (!row?.id) return null;
  return db.create(WechatIdentity, { ...pick(row, IDENTITY_FIELDS), user: db.create(User, pick(row, USER_FIELDS, 'user.')) });
}

/** The identity joined to its user: it runs on every login. */
const FIND_IDENTITY = new Statement(`SELECT ${IDENTITY_WITH_OWNER} FROM ${IDENTITY_JOIN_OWNER} WHERE identity.appid = $1 AND identity.openid = $2`);

const FIND_UNDER_LOCK = new Statement(
  `SELECT ${IDENTITY_WITH_OWNER}, ${selectList(USER_FIELDS, 'union_user', 'unionUser.')}
   FROM (SELECT) AS one
   LEFT JOIN (${IDENTITY_JOIN_OWNER}) ON identity.appid = $1 AND identity.openid = $2
   LEFT JOIN users AS union_user ON union_user.unionid = $3`,
);

const CREATE_USER_WITH_IDENTITY = new Statement(
  `WITH owner AS (
     INSERT INTO users (unionid, nickname, avatar_url, phone, last_login_at) VALUES ($1, $2, $3, $4, now()) RETURNING *
   ), identity AS (
     INSERT INTO wechat_identities (id, user_id, app_key, appid, app_type, openid, unionid, session_key, last_login_at)
     SELECT $5::uuid, owner.id, $6, $7, $8, $9, $1, $10, now() FROM owner
     RETURNING *
   )
   SELECT ${IDENTITY_WITH_OWNER} FROM owner, identity`,
);

const STAMP_SIGN_IN = new Statement(
  `WITH ${signInStampCtes({ identityId: '$1', nickname: '$2', avatarUrl: '$3', sealedSessionKey: '$4' })}
   SELECT * FROM signed_in`,
);

/**
 * The queries of one identity-resolving transaction. Only valid inside
 * `IdentityRepository.transaction`, but for `stampSignIn`, which a returning
 * login runs on its own.
 */
export class IdentityTransaction {
  constructor(
    private readonly db: EntityManager,
    private readonly sql: StatementRunner,
  ) {}

  /** The transaction itself, for lifecycle subscribers that write in it. */
  get manager(): EntityManager {
    return this.db;
  }

  /** Serialises every transaction on these identities and unionids, so two first logins of one person cannot both create a user. */
  async lock(keys: string[]): Promise<void> {
    await this.sql.run(TAKE_ADVISORY_LOCKS, [keys], this.db);
  }

  /**
   * What a login or bind decides on once it holds the locks, in one statement:
   * the identity (with its user) and the user the unionid names, either or
   * both null.
   */
  async findUnderLock(appid: string, openid: string, unionid: string | null): Promise<{ identity: WechatIdentity | null; unionUser: User | null }> {
    const [row] = await this.sql.rows(FIND_UNDER_LOCK, [appid, openid, unionid], this.db);
    const unionUser = row['unionUser.id'] ? this.db.create(User, pick(row, USER_FIELDS, 'unionUser.')) : null;
    return { identity: identityWithOwner(this.db, row), unionUser };
  }

  /** Plain SQL, as every statement of a login: TypeORM's find builds and parses a query each time. */
  async findUser(id: string): Promise<User | null> {
    const rows = (await this.db.query(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id])) as UserRow[];
    return rows[0] ? this.db.create(User, rows[0]) : null;
  }

  /** A live (not deleted) user found by id or verified phone, share-locked so a merge or deletion of it waits for this transaction. */
  async lockUser(by: { id: string } | { phone: string }): Promise<User | null> {
    const [column, value] = 'id' in by ? ['id', by.id] : ['phone', by.phone];
    const rows = (await this.db.query(`SELECT ${USER_COLUMNS} FROM users WHERE ${column} = $1 AND status <> 'deleted' FOR SHARE`, [value])) as UserRow[];
    return rows[0] ? this.db.create(User, rows[0]) : null;
  }

  /** Whether the user already signs in to that app (with another WeChat account, then). */
  async hasIdentityIn(userId: string, appid: string): Promise<boolean> {
    const rows = (await this.db.query(`SELECT 1 FROM wechat_identities WHERE user_id = $1 AND appid = $2 LIMIT 1`, [userId, appid])) as unknown[];
    return rows.length > 0;
  }

  /**
   * A person signing in for the first time: a new user, signed in, and its
   * first identity, in one statement; `phone`: one WeChat verified for them.
   */
  async createUserWithIdentity(identity: Omit<NewIdentity, 'userId'>, given: ProfileUpdate, phone: string | null): Promise<{ user: User; identity: WechatIdentity }> {
    const profile = cleanProfile(given);
    const values = [
      identity.unionid,
      profile.nickname ?? null,
      profile.avatarUrl ?? null,
      phone,
      identity.id,
      identity.appKey,
      identity.appid,
      identity.appType,
      identity.openid,
      identity.sealedSessionKey ?? null,
    ];
    const [row] = await this.sql.rows(CREATE_USER_WITH_IDENTITY, values, this.db).catch(rethrowPhoneInUse);
    const user = this.db.create(User, pick(row, USER_FIELDS, 'user.'));
    return { user, identity: this.db.create(WechatIdentity, { ...pick(row, IDENTITY_FIELDS), user }) };
  }

  /** An identity signing in for the first time. */
  async createIdentity(identity: NewIdentity): Promise<WechatIdentity> {
    const rows = (await this.db.query(
      `INSERT INTO wechat_identities (id, user_id, app_key, appid, app_type, openid, unionid, session_key, last_login_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
       RETURNING ${IDENTITY_COLUMNS}`,
      [
        identity.id,
        identity.userId,
        identity.appKey,
        identity.appid,
        identity.appType,
        identity.openid,
        identity.unionid,
        identity.sealedSessionKey ?? null,
      ],
    )) as IdentityRow[];
    return this.db.create(WechatIdentity, rows[0]);
  }

  async setIdentityUnionid(identityId: string, unionid: string): Promise<void> {
    await this.db.update(WechatIdentity, { id: identityId }, { unionid });
  }

  async setUserUnionid(userId: string, unionid: string): Promise<void> {
    await this.db.update(User, { id: userId }, { unionid });
  }

  /**
   * Writes a sign-in on its identity and user (see signInStampCtes) and
   * answers the user as stamped.
   */
  async stampSignIn(stamp: SignInStamp): Promise<User> {
    // Tried again when it touched nothing: the identity then has another user, or none.
    for (let attempt = 0; attempt < 3; attempt++) {
      const rows = await this.sql.rows<UserRow>(STAMP_SIGN_IN, [stamp.identityId, stamp.nickname, stamp.avatarUrl, stamp.sealedSessionKey], this.db);
      if (rows.length > 0) return this.db.create(User, rows[0]);
    }
    throw new AppError('session_revoked', 'This WeChat account was unbound while signing in. Sign in again.');
  }

  /**
   * Moves everything of `fromUserId` to `intoUserId` and deletes the emptied
   * user: `within` runs first, in the same transaction (the lifecycle
   * subscribers move their modules' rows), then identities, sessions and
   * login history follow, and profile fields the survivor lacks are taken over.
   */
  async mergeUsers(fromUserId: string, intoUserId: string, within: () => Promise<void>): Promise<MergeRevocations> {
    const params = [fromUserId, intoUserId];
    // Locked first, before any row moves: a session being opened (or an avatar kept) for the vanishing user waits and
    // then fails its foreign key or finds no user (and is retried for the survivor, or refused) instead of slipping in
    // after the move and dying with the row.
    const [from] = (await this.db.query('SELECT phone FROM users WHERE id = $1 FOR UPDATE', [fromUserId])) as Array<{ phone: string | null }>;
    await within();
    // One user per verified phone: the phone leaves the merged-away user before the survivor may take it.
    if (from?.phone) await this.db.query('UPDATE users SET phone = NULL WHERE id = $1', [fromUserId]);
    await this.db.query('UPDATE wechat_identities SET user_id = $2 WHERE user_id = $1', params);
    await this.db.query('UPDATE sessions SET user_id = $2 WHERE user_id = $1', params);
    await this.db.query('UPDATE login_events SET user_id = $2 WHERE user_id = $1', params);
    const [moved] = (await this.db.query(
      `UPDATE users AS into_user SET
         nickname = COALESCE(into_user.nickname, from_user.nickname),
         avatar_url = COALESCE(into_user.avatar_url, from_user.avatar_url),
         phone = COALESCE(into_user.phone, $3),
         roles = ARRAY(SELECT DISTINCT unnest(into_user.roles || from_user.roles) ORDER BY 1),
         created_at = LEAST(into_user.created_at, from_user.created_at),
         -- A disabled account must not become usable again by turning out to be someone's second account.
         status = CASE WHEN 'disabled' IN (into_user.status, from_user.status) THEN 'disabled' ELSE 'active' END,
         status_changed_at = CASE WHEN 'disabled' IN (into_user.status, from_user.status) THEN clock_timestamp() ELSE into_user.status_changed_at END,
         updated_at = now()
       FROM users AS from_user
       WHERE into_user.id = $2 AND from_user.id = $1
       RETURNING into_user.status`,
      [...params, from?.phone ?? null],
    )) as [unknown[], number];
    const survivorDisabled = (moved as Array<{ status: string }>)[0]?.status === 'disabled';
    await this.db.query('DELETE FROM users WHERE id = $1', [fromUserId]).catch((error: { driverError?: { code?: string; table?: string } }) => {
      if (error.driverError?.code !== FOREIGN_KEY_VIOLATION) throw error;
      // A table of the host still points at the merged-away user: its module must move its rows with @OnUsersMerged().
      new Logger(IdentityTransaction.name).error(`Merging users failed: table ${error.driverError.table} still references the merged-away user`);
      throw new AppError('service_unavailable', 'Your accounts could not be updated just now; nothing was changed. Try again.');
    });
    return this.announceMerge(fromUserId, intoUserId, survivorDisabled);
  }

  /**
   * Every instance (at commit) refuses the merged-away user's access tokens
   * at once, and, when the survivor is disabled, its sessions (the moved ones
   * too) end: nothing of the two accounts stays usable through the merge.
   */
  private async announceMerge(fromUserId: string, intoUserId: string, survivorDisabled: boolean): Promise<MergeRevocations> {
    const changedAt = Date.now();
    const events: RevocationEvent[] = [{ userId: fromUserId, disabled: true, changedAt, merged: true }];
    if (survivorDisabled) {
      events.push({ userId: intoUserId, disabled: true, changedAt });
      const [ended] = (await this.db.query(
        `UPDATE sessions SET revoked_at = now(), revoked_reason = 'user_disabled' WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`,
        [intoUserId],
      )) as [Array<{ id: string }>, number];
      // Access tokens live at most a day; the listener keeps the entry for its own window.
      for (const { id } of ended) events.push({ sessionId: id, until: changedAt + 24 * 3600 * 1000 });
    }
    for (const event of events) await this.db.query('SELECT pg_notify($1, $2)', [REVOCATION_CHANNEL, JSON.stringify(event)]);
    return { events };
  }

  async recordMerge(fromUserId: string, intoUserId: string, appKey: string): Promise<void> {
    await this.db.query(
      `INSERT INTO login_events (user_id, kind, app_key, result, detail) VALUES ($1, 'users_merged', $2, 'success', $3)`,
      [intoUserId, appKey, JSON.stringify({ mergedUserId: fromUserId })],
    );
  }
}

@Injectable()
export class IdentityRepository {
  constructor(
    @InjectWechatAuthDataSource() private readonly dataSource: DataSource,
    private readonly sql: StatementRunner,
  ) {}

  /** A returning identity with its user, read without a transaction (the common case). */
  async findIdentity(appid: string, openid: string): Promise<WechatIdentity | null> {
    const [row] = await this.sql.rows(FIND_IDENTITY, [appid, openid]);
    return identityWithOwner(this.dataSource.manager, row);
  }

  /** A sign-in outside a transaction (a returning identity that links nothing): one statement. */
  stampSignIn(stamp: SignInStamp): Promise<User> {
    return new IdentityTransaction(this.dataSource.manager, this.sql).stampSignIn(stamp);
  }

  /**
   * Detaches an identity from its user. When no identity left carries the
   * user's unionid, the user lets go of it too: otherwise the next login of
   * that WeChat account would be linked straight back by its unionid.
   */
  /** With `keepLast`, refuses (`last_identity`) to leave the user with none, also against a concurrent unbind. */
  async unbind(userId: string, identityId: string, keepLast = false): Promise<UnboundIdentity | undefined> {
    return this.dataSource.transaction(async (db) => {
      const [identity] = (await db.query(`SELECT appid, openid, unionid FROM wechat_identities WHERE id = $1 AND user_id = $2`, [
        identityId,
        userId,
      ])) as Array<{ appid: string; openid: string; unionid: string | null }>;
      if (!identity) return undefined;
      // The locks IdentityLinker takes, so a login of this identity waits for the unbind rather than racing it.
      await takeAdvisoryLocks(db, identityLockKeys(identity.appid, identity.openid, identity.unionid));
      if (keepLast) {
        // After the advisory locks, as logins take them: the user's row lock makes two unbinds of its last two identities take turns.
        const [owned] = (await db.query(
          `SELECT count(*)::int AS identities FROM wechat_identities WHERE user_id = (SELECT id FROM users WHERE id = $1 FOR UPDATE)`,
          [userId],
        )) as Array<{ identities: number }>;
        if (owned.identities <= 1) throw new AppError('last_identity');
      }

      const [deleted] = (await db.query(`DELETE FROM wechat_identities WHERE id = $1 AND user_id = $2 RETURNING app_key, openid`, [
        identityId,
        userId,
      ])) as [Array<{ app_key: string; openid: string }>, number];
      if (!deleted[0]) return undefined;
      await db.query(
        `UPDATE users u SET unionid = NULL, updated_at = now()
         WHERE u.id = $1 AND u.unionid IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM wechat_identities i WHERE i.user_id = u.id AND i.unionid = u.unionid)`,
        [userId],
      );
      return { appKey: deleted[0].app_key, openid: deleted[0].openid };
    });
  }

  transaction<T>(work: (tx: IdentityTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new IdentityTransaction(manager, this.sql)));
  }
}

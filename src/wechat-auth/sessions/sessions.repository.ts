import { Injectable } from '@nestjs/common';
import { InjectWechatAuthDataSource } from '../core/data-source';
import { Statement, StatementRunner } from '../core/statements';
import { DataSource, EntityManager } from 'typeorm';
import { User } from '../users/entities/user.entity';
import { pick, selectList, USER_FIELDS } from '../users/entity-columns';
import { signInStampCtes, SignInStamp } from '../users/sign-in-stamp';
import { REVOCATION_CHANNEL, SessionRevokedEvent } from '../tokens/revocation/revocation-events';
import { Session } from './session.entity';

export interface NewSession {
  userId: string;
  appKey: string | null;
  ip: string | null;
  userAgent: string | null;
  expiresAt: Date;
  /** Set for a session handed over from another: when its person last signed in. */
  authenticatedAt?: Date | null;
  /** The login that opens it, written to the login history by the same statement (the login's kind and detail). */
  signIn?: { kind: string; detail: Record<string, unknown> | null };
  /** Set for a session handed over from another (a hand-off ticket): that session, which must still be live. */
  handedOverBy?: string | null;
}

export interface ActiveSession {
  id: string;
  appKey: string | null;
  createdAt: Date;
  /** When the session last got tokens (its login or its last refresh): access tokens are not tracked one by one. */
  lastUsedAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/** What a refresh needs of the session it rotated. */
export type RotatedSession = Pick<Session, 'id' | 'refreshGeneration' | 'authenticatedAt' | 'createdAt'>;

export type RotationResult =
  | { outcome: 'rotated'; session: RotatedSession; user: User }
  | { outcome: 'unknown' }
  | { outcome: 'reused'; sessionId: string }
  | { outcome: 'session_ended'; user: User | null };

const ROTATED_SESSION_FIELDS = { id: 'id', refreshGeneration: 'refresh_generation', authenticatedAt: 'authenticated_at', createdAt: 'created_at' };

/**
 * Moves live session $1 to its next generation (only from generation $2 when
 * `fromGeneration`), its expiry to the last parameter, and answers the session
 * joined to its owner: the whole refresh in one statement.
 */
function advanceSessionSql(fromGeneration: boolean): string {
  return `WITH advanced AS (
      UPDATE sessions SET refresh_generation = refresh_generation + 1, last_refreshed_at = now(), expires_at = ${fromGeneration ? '$3' : '$2'}
      WHERE id = $1 ${fromGeneration ? 'AND refresh_generation = $2 ' : ''}AND revoked_at IS NULL AND expires_at > now()
      RETURNING ${Object.values(ROTATED_SESSION_FIELDS).join(', ')}, user_id
    )
    SELECT ${selectList(ROTATED_SESSION_FIELDS, 'advanced')}, ${selectList(USER_FIELDS, 'owner', 'user.')}
    FROM advanced JOIN users AS owner ON owner.id = advanced.user_id`;
}
/** A session opened, with the user's sessions it pushes beyond the cap. */
export interface OpenedSession {
  id: string;
  pushedOut: string[];
}

/** The values of openSessionSql's $1 to $9. */
function sessionValues(owner: string, session: Omit<NewSession, 'userId'>, keep: number): unknown[] {
  return [
    owner,
    session.appKey,
    session.ip,
    session.userAgent,
    session.expiresAt,
    session.authenticatedAt ?? null,
    Math.max(0, keep - 1),
    session.signIn?.kind ?? null,
    session.signIn?.detail ? JSON.stringify(session.signIn.detail) : null,
  ];
}

const ADVANCE_FROM_GENERATION = new Statement(advanceSessionSql(true));
const ADVANCE_LEGACY = advanceSessionSql(false);

/**
 * Session $1 joined to its owner, after a refresh from generation $2 could
 * not move it; `repeated`: it is live and moved on from exactly that
 * generation less than $3 seconds ago, so the token is being presented a
 * second time (two tabs, a retry), not replayed.
 */
const UNROTATED_SESSION = new Statement(
  `SELECT ${selectList(ROTATED_SESSION_FIELDS, 'unrotated')}, unrotated.revoked_at IS NOT NULL AS revoked,
     $3::int > 0 AND unrotated.refresh_generation = $2::bigint + 1 AND unrotated.revoked_at IS NULL AND unrotated.expires_at > now()
       AND unrotated.last_refreshed_at > now() - make_interval(secs => $3::int) AS repeated,
     ${selectList(USER_FIELDS, 'owner', 'user.')}
   FROM sessions AS unrotated JOIN users AS owner ON owner.id = unrotated.user_id
   WHERE unrotated.id = $1`,
);

/**
 * Opens a session for `owner` (a CTE answering one active user's id) in app
 * $2 (from ip $3, user agent $4, until $5, authenticated at $6), records
 * sign-in $8 with detail $9 when $8 is given, and answers with the session
 * (`opened`) the user's live sessions beyond the newest $7 others.
 */
function openSessionSql(ownerCtes: string, answer: (pushedOut: string) => string): string {
  return `WITH ${ownerCtes}, opened AS (
     INSERT INTO sessions (user_id, app_key, ip, user_agent, expires_at, authenticated_at) SELECT id, $2, $3, $4, $5, $6 FROM owner RETURNING id, user_id
   ), recorded AS (
     INSERT INTO login_events (user_id, kind, app_key, result, ip, user_agent, detail)
     SELECT user_id, $8, $2, 'success', $3, $4, $9 FROM opened WHERE $8::text IS NOT NULL
   )
   ${answer(`ARRAY(
     -- The statement does not see the session it opens: the newest keep - 1 others stay.
     SELECT id FROM sessions
     WHERE user_id = opened.user_id AND app_key IS NOT DISTINCT FROM $2 AND revoked_at IS NULL AND expires_at > now()
     ORDER BY created_at DESC, id DESC OFFSET $7
   )`)}`;
}

/** A session for user $1, share-locked while it is made so a merge, a disable or a deletion waits or goes first. */
const OPEN_SESSION = new Statement(
  openSessionSql(
    `owner AS (SELECT id FROM users WHERE id = $1 AND status = 'active' FOR SHARE)`,
    (pushedOut) => `SELECT opened.id, ${pushedOut} AS pushed_out FROM opened`,
  ),
);

/**
 * A session for user $1 handed over by the user's live session $10: both
 * rows share-locked while it is made, the user's first (the order logins and
 * merges lock in: session $10 is locked only once its user is). Ending
 * session $10 (revokeOfUser) therefore either goes first, and nothing opens,
 * or waits for this statement and then ends the session it opened as well.
 */
const OPEN_HANDED_OVER_SESSION = new Statement(
  openSessionSql(
    `active_user AS (SELECT id FROM users WHERE id = $1 AND status = 'active' FOR SHARE),
     handing AS (
       SELECT id FROM sessions WHERE id = $10 AND user_id IN (SELECT id FROM active_user) AND revoked_at IS NULL AND expires_at > now() FOR SHARE
     ),
     owner AS (SELECT id FROM active_user WHERE EXISTS (SELECT 1 FROM handing))`,
    (pushedOut) => `SELECT opened.id, ${pushedOut} AS pushed_out FROM opened`,
  ),
);

/**
 * A returning login whole: the sign-in of identity $1 (profile $10 and $11,
 * sealed session_key $12) stamped on it and its user, whose row the update
 * locks, and a session for that user when active. Answers the user as
 * stamped, with the session when one was opened.
 */
const OPEN_SIGNED_IN_SESSION = new Statement(
  openSessionSql(
    `${signInStampCtes({ identityId: '$1', nickname: '$10', avatarUrl: '$11', sealedSessionKey: '$12' })},
     owner AS (SELECT id FROM signed_in WHERE status = 'active')`,
    (pushedOut) => `SELECT signed_in.*, opened.id AS "session.id", ${pushedOut} AS "session.pushedOut" FROM signed_in LEFT JOIN opened ON true`,
  ),
);

// Rows locked in id order first: logins at once each end the sessions they pushed past the cap, sets that
// overlap, and an UPDATE alone locks in whatever order its plan visits them, so two could deadlock.
const REVOKE = new Statement(
  `WITH ending AS (SELECT id FROM sessions WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL ORDER BY id FOR UPDATE)
   UPDATE sessions SET revoked_at = now(), revoked_reason = $2 FROM ending WHERE sessions.id = ending.id RETURNING sessions.id`,
);

/** Ends user $1's live sessions (those of app $3 when given) for reason $2, locked in id order as REVOKE does. */
const REVOKE_OF_USER = new Statement(
  `WITH ending AS (
     SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() AND ($3::text IS NULL OR app_key = $3) ORDER BY id FOR UPDATE
   )
   UPDATE sessions SET revoked_at = now(), revoked_reason = $2 FROM ending WHERE sessions.id = ending.id RETURNING sessions.id`,
);

const ANNOUNCE = new Statement('SELECT pg_notify($1, $2)');

@Injectable()
export class SessionsRepository {
  constructor(
    @InjectWechatAuthDataSource() private readonly dataSource: DataSource,
    private readonly sql: StatementRunner,
  ) {}

  /**
   * Opens a session at refresh generation 0 and answers it with the user's
   * other live sessions in its app that it pushes beyond the newest `keep`;
   * null when the user is no longer active. The user's row is share-locked
   * while the session is made, so a merge, a disable or a deletion of that
   * user either happens before (and no session is opened) or waits and sees
   * the session. One statement, with the login's history row when
   * `signIn` is given: it runs on every login.
   */
  async create(session: NewSession, keep: number): Promise<OpenedSession | null> {
    const values = sessionValues(session.userId, session, keep);
    const rows = session.handedOverBy
      ? await this.sql.rows<{ id: string; pushed_out: string[] }>(OPEN_HANDED_OVER_SESSION, [...values, session.handedOverBy])
      : await this.sql.rows<{ id: string; pushed_out: string[] }>(OPEN_SESSION, values);
    return rows[0] ? { id: rows[0].id, pushedOut: rows[0].pushed_out } : null;
  }

  /**
   * A returning login in one statement: writes its sign-in (SignInStamp) and
   * opens a session for the identity's user as `create` does, unless that
   * user is disabled. Answers the user as stamped and the session, if any;
   * null when the identity had no user to stamp (merged away a moment ago,
   * deleted, or the identity unbound).
   */
  async createSignedIn(stamp: SignInStamp, session: Omit<NewSession, 'userId'>, keep: number): Promise<{ user: User; session: OpenedSession | null } | null> {
    const values = [...sessionValues(stamp.identityId, session, keep), stamp.nickname, stamp.avatarUrl, stamp.sealedSessionKey];
    const [row] = await this.sql.rows<Record<string, unknown>>(OPEN_SIGNED_IN_SESSION, values);
    if (!row) return null;
    const user = this.dataSource.manager.create(User, pick(row, USER_FIELDS));
    const opened = row['session.id'] ? { id: row['session.id'] as string, pushedOut: row['session.pushedOut'] as string[] } : null;
    return { user, session: opened };
  }

  /**
   * Moves a session from `generation` to the next one with one conditional
   * UPDATE: of two requests presenting the same token at once, exactly one
   * wins. The other, and any presentation of that token up to `graceSeconds`
   * after, gets the session as the winner left it (the same next generation,
   * nothing written) unless it has moved on again; any other older
   * generation is a reuse. No row is written.
   */
  async rotate(sessionId: string, generation: number, expiresAt: Date, graceSeconds: number): Promise<RotationResult> {
    const rows = await this.sql.rows(ADVANCE_FROM_GENERATION, [sessionId, generation, expiresAt]);
    return rows[0] ? this.rotated(rows[0]) : this.explainUnrotatable(sessionId, generation, graceSeconds);
  }

  /** Spends a refresh token stored before sessions counted generations, and moves its session to the next generation. */
  async rotateLegacy(presentedHash: Buffer, expiresAt: Date): Promise<RotationResult> {
    return this.dataSource.transaction(async (db) => {
      const spent = (await db.query(
        `UPDATE refresh_tokens SET used_at = now()
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
         RETURNING session_id`,
        [presentedHash],
      )) as [Array<{ session_id: string }>, number];
      const sessionId = spent[0][0]?.session_id;
      if (!sessionId) return this.explainUnspendableLegacy(db, presentedHash);
      const advanced = (await db.query(ADVANCE_LEGACY, [sessionId, expiresAt])) as Array<Record<string, unknown>>;
      if (advanced.length === 0) return { outcome: 'session_ended', user: await this.ownerOf(db, sessionId) };
      return this.rotated(advanced[0]);
    });
  }

  private rotated(row: Record<string, unknown>): RotationResult {
    const user = this.dataSource.manager.create(User, pick(row, USER_FIELDS, 'user.'));
    return { outcome: 'rotated', session: pick(row, ROTATED_SESSION_FIELDS) as RotatedSession, user };
  }

  private async ownerOf(db: EntityManager, sessionId: string): Promise<User | null> {
    const session = await db.findOne(Session, { where: { id: sessionId } });
    return session ? db.findOne(User, { where: { id: session.userId } }) : null;
  }

  private async explainUnrotatable(sessionId: string, generation: number, graceSeconds: number): Promise<RotationResult> {
    const [row] = await this.sql.rows<Record<string, unknown> & { revoked: boolean; repeated: boolean }>(UNROTATED_SESSION, [sessionId, generation, graceSeconds]);
    if (!row) return { outcome: 'unknown' };
    if (row.repeated) return this.rotated(row);
    if (generation < (row.refreshGeneration as number)) return { outcome: 'reused', sessionId };
    if (row.revoked) return { outcome: 'session_ended', user: this.dataSource.manager.create(User, pick(row, USER_FIELDS, 'user.')) };
    return { outcome: 'unknown' };
  }

  private async explainUnspendableLegacy(db: EntityManager, presentedHash: Buffer): Promise<RotationResult> {
    const rows = (await db.query(`SELECT session_id, used_at FROM refresh_tokens WHERE token_hash = $1`, [presentedHash])) as Array<{
      session_id: string;
      used_at: Date | null;
    }>;
    const token = rows[0];
    return token?.used_at ? { outcome: 'reused', sessionId: token.session_id } : { outcome: 'unknown' };
  }

  /**
   * Ends sessions and tells every instance at once, in one transaction: the
   * NOTIFY is delivered only if the revocation is committed.
   */
  async revoke(sessionIds: string[], reason: string, tokensValidForMs: number): Promise<string[]> {
    if (sessionIds.length === 0) return [];
    return this.dataSource.transaction(async (db) => {
      const rows = await this.sql.rows<{ id: string }>(REVOKE, [sessionIds, reason], db);
      const ended = rows.map((row) => row.id);
      await this.announceEnded(db, ended, tokensValidForMs);
      return ended;
    });
  }

  /**
   * Ends every live session of a user (of one app when `appKey` is given) and
   * tells every instance, in one transaction. Two passes: a hand-off ticket
   * traded at the same moment holds its handing session's row until its new
   * session is committed, so the first pass waits for it, and the second,
   * which sees what committed meanwhile, ends that new session too. (A login
   * that commits between the passes ends as well: it raced a log-out.)
   */
  async revokeOfUser(userId: string, reason: string, appKey: string | undefined, tokensValidForMs: number): Promise<string[]> {
    return this.dataSource.transaction(async (db) => {
      const ended: string[] = [];
      for (let pass = 0; pass < 2; pass++) {
        const rows = await this.sql.rows<{ id: string }>(REVOKE_OF_USER, [userId, reason, appKey ?? null], db);
        ended.push(...rows.map((row) => row.id));
      }
      await this.announceEnded(db, ended, tokensValidForMs);
      return ended;
    });
  }

  async activeSessionIds(userId: string, appKey?: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM sessions
       WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() AND ($2::text IS NULL OR app_key = $2)`,
      [userId, appKey ?? null],
    )) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  /**
   * In a deletion's transaction: ends the user's sessions (telling every
   * instance at commit) and erases where they were opened from. Answers the
   * sessions it ended.
   */
  async eraseForDeletedUser(db: EntityManager, userId: string, tokensValidForMs: number): Promise<string[]> {
    const rows = (await db.query(
      `WITH live AS (SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL)
       UPDATE sessions SET revoked_at = coalesce(revoked_at, now()), revoked_reason = coalesce(revoked_reason, 'account_deleted'), ip = NULL, user_agent = NULL
       WHERE user_id = $1 RETURNING id, id IN (SELECT id FROM live) AS ended`,
      [userId],
    )) as [Array<{ id: string; ended: boolean }>, number];
    const ended = rows[0].filter((row) => row.ended).map((row) => row.id);
    await this.announceEnded(db, ended, tokensValidForMs);
    return ended;
  }

  async isActive(sessionId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM sessions WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()`, [sessionId])) as unknown[];
    return rows.length > 0;
  }

  /** A user's live sessions, most recently used first. */
  async listActive(userId: string): Promise<ActiveSession[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, app_key, created_at, coalesce(last_refreshed_at, created_at) AS last_used_at, ip, user_agent FROM sessions
       WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()
       ORDER BY last_used_at DESC, id`,
      [userId],
    )) as Array<{ id: string; app_key: string | null; created_at: Date; last_used_at: Date; ip: string | null; user_agent: string | null }>;
    return rows.map((row) => ({ id: row.id, appKey: row.app_key, createdAt: row.created_at, lastUsedAt: row.last_used_at, ip: row.ip, userAgent: row.user_agent }));
  }

  /** Sessions ended recently enough that some of their access tokens may still be unexpired. */
  async recentlyRevoked(withinMs: number): Promise<SessionRevokedEvent[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, revoked_at FROM sessions WHERE revoked_at > now() - make_interval(secs => $1)`,
      [withinMs / 1000],
    )) as Array<{ id: string; revoked_at: Date }>;
    return rows.map((row) => ({ sessionId: row.id, until: row.revoked_at.getTime() + withinMs }));
  }

  /** Tells every instance (at commit) that these sessions ended. */
  private async announceEnded(db: EntityManager, sessionIds: string[], tokensValidForMs: number): Promise<void> {
    const until = Date.now() + tokensValidForMs;
    for (const sessionId of sessionIds) {
      const event: SessionRevokedEvent = { sessionId, until };
      await this.sql.run(ANNOUNCE, [REVOCATION_CHANNEL, JSON.stringify(event)], db);
    }
  }
}

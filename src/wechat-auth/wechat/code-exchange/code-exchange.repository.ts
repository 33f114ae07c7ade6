import { Injectable } from '@nestjs/common';
import { InjectWechatAuthDataSource } from '../../core/data-source';
import { DataSource, EntityManager } from 'typeorm';
import { ErrorCode } from '../../core/errors/error-codes';
import { Statement, StatementRunner } from '../../core/statements';
import { CodeExchange, ExchangedIdentity } from './code-exchange.entity';

export type Claim =
  /** This request is the code's first arrival: it alone calls WeChat. */
  | { outcome: 'first' }
  /** Another request had the code first. */
  | { outcome: 'copy'; sameState: boolean; withinWindow: boolean; sameClient: boolean }
  /** The state already came back with another code. */
  | { outcome: 'state_used' };

/** Failures that say nothing about the code itself. */
const TRANSIENT_ERRORS: ErrorCode[] = ['wechat_unavailable', 'wechat_rate_limited', 'service_unavailable', 'rate_limited', 'internal_error'];

export type Settlement = { identity: ExchangedIdentity } | { errorCode: string };

const CLAIM = new Statement(
  `INSERT INTO code_exchanges (code_hash, app_key, state_nonce, client_ip, expires_at)
   VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
   ON CONFLICT DO NOTHING RETURNING code_hash`,
);
const SETTLE = new Statement(`UPDATE code_exchanges SET status = $2, identity = $3, error_code = $4 WHERE code_hash = $1`);

/** Every statement stands alone: no connection is held while WeChat is being asked. */
@Injectable()
export class CodeExchangeRepository {
  constructor(
    @InjectWechatAuthDataSource() private readonly dataSource: DataSource,
    private readonly sql: StatementRunner,
  ) {}

  async claim(codeHash: Buffer, appKey: string, stateNonce: Buffer | null, clientIp: string | null, lifetimeSeconds: number, windowSeconds: number): Promise<Claim> {
    // Twice at most: a row purged between the INSERT and the SELECT makes the code new again.
    for (let attempt = 0; attempt < 2; attempt++) {
      const inserted = await this.sql.rows(CLAIM, [codeHash, appKey, stateNonce, clientIp, lifetimeSeconds]);
      if (inserted.length > 0) return { outcome: 'first' };
      if (await this.reclaimAfterTransientFailure(codeHash, stateNonce)) return { outcome: 'first' };
      const [row] = (await this.dataSource.query(
        `SELECT state_nonce, now() - created_at < make_interval(secs => $2) AS within_window, client_ip IS NOT DISTINCT FROM $3 AS same_client
         FROM code_exchanges WHERE code_hash = $1`,
        [codeHash, windowSeconds, clientIp],
      )) as Array<{ state_nonce: Buffer | null; within_window: boolean; same_client: boolean }>;
      if (row) {
        const sameState = stateNonce === null ? row.state_nonce === null : row.state_nonce !== null && stateNonce.equals(row.state_nonce);
        return { outcome: 'copy', sameState, withinWindow: row.within_window, sameClient: row.same_client };
      }
      // No row for the code although the INSERT conflicted: the conflict was on the state.
      if (stateNonce !== null) return { outcome: 'state_used' };
    }
    return { outcome: 'copy', sameState: false, withinWindow: false, sameClient: false };
  }

  /**
   * A first arrival that failed for a passing reason (WeChat busy or
   * unreachable, our database down) may have left the code unspent at WeChat:
   * the next arrival of the code, with the same state, gets to ask again.
   */
  private async reclaimAfterTransientFailure(codeHash: Buffer, stateNonce: Buffer | null): Promise<boolean> {
    const [rows] = (await this.dataSource.query(
      `UPDATE code_exchanges SET status = 'pending', error_code = NULL, created_at = now()
       WHERE code_hash = $1 AND status = 'failed' AND error_code = ANY($2) AND state_nonce IS NOT DISTINCT FROM $3
       RETURNING code_hash`,
      [codeHash, TRANSIENT_ERRORS, stateNonce],
    )) as [unknown[], number];
    return rows.length > 0;
  }

  async settle(codeHash: Buffer, settlement: Settlement): Promise<void> {
    const done = 'identity' in settlement;
    await this.sql.run(SETTLE, [
      codeHash,
      done ? 'done' : 'failed',
      done ? JSON.stringify(settlement.identity) : null,
      done ? null : settlement.errorCode,
    ]);
  }

  find(codeHash: Buffer): Promise<CodeExchange | null> {
    return this.dataSource.manager.findOne(CodeExchange, { where: { codeHash } });
  }

  /**
   * In a deletion's transaction: forgets what WeChat said about the codes of
   * the user's identities (openid, unionid, profile) and where they came
   * from. The row itself stays, as a code spent, so a copy of the code
   * presented again is wechat_code_used, not a sign-up of the identity.
   */
  async eraseForDeletedUser(db: EntityManager, userId: string): Promise<void> {
    await db.query(
      `WITH held AS (
         SELECT openid, unionid FROM wechat_identities WHERE user_id = $1
         UNION ALL SELECT NULL, unionid FROM users WHERE id = $1
       )
       UPDATE code_exchanges SET status = 'failed', error_code = 'wechat_code_used', identity = NULL, client_ip = NULL
       WHERE identity IS NOT NULL
         AND (identity->>'openid' IN (SELECT openid FROM held) OR identity->>'unionid' IN (SELECT unionid FROM held))`,
      [userId],
    );
  }

  /** Forgets codes whose lifetime at WeChat is over: WeChat refuses them anyway. */
  async purgeExpired(): Promise<number> {
    const [, count] = (await this.dataSource.query(`DELETE FROM code_exchanges WHERE expires_at < now()`)) as [unknown, number];
    return count;
  }
}

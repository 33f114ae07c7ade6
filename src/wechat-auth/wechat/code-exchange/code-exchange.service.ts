import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { VerifiedLogin } from '../../login/login.service';
import { AppError } from '../../core/errors/app-error';
import { ERROR_CODES, ErrorCode } from '../../core/errors/error-codes';
import { WechatAuthConfig } from '../../options/wechat-auth-config';
import { codeLifetimeSeconds, WechatApp } from '../apps/wechat-app';
import { VerifiedWechatIdentity } from '../../users/wechat-profile';
import { CodeExchangeRepository } from './code-exchange.repository';

const PURGE_EVERY_MS = 60_000;
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 200;
// Slack over the first arrival's worst case with WeChat, for its database writes.
const WAIT_SLACK_MS = 2_000;

export interface CodeToExchange {
  app: WechatApp;
  code: string;
  /** OAuth: the nonce of the verified state; copies count only with the same one. */
  stateNonce?: Buffer;
  /** The client's address: a copy from another address is a stolen code, not a double tap. */
  clientIp: string | null;
}

/** The key of a code: its hash with its app, so the code itself is never stored. */
export function codeHash(appid: string, code: string): Buffer {
  return createHash('sha256').update(`${appid}:${code}`).digest();
}

/**
 * Copies of one code (a double tap, two parts of a frontend, WeChat calling a
 * callback twice) make one call to WeChat: the first arrival asks, copies that
 * come within the window wait for its answer and share it. A copy that comes
 * later is treated as a replay: a code that returns long after is more likely
 * stolen than doubled. The memory lives in PostgreSQL so all instances share it.
 */
@Injectable()
export class CodeExchangeService implements OnModuleDestroy {
  private readonly logger = new Logger(CodeExchangeService.name);
  private readonly windowSeconds: number;
  private readonly maxWaitMs: number;
  private readonly purgeTimer = setInterval(() => void this.purge(), PURGE_EVERY_MS).unref();

  constructor(
    private readonly exchanges: CodeExchangeRepository,
    config: WechatAuthConfig,
  ) {
    this.windowSeconds = config.wechat.codeExchangeWindowSeconds;
    this.maxWaitMs = config.wechat.timeoutMs * (config.wechat.maxRetries + 1) + WAIT_SLACK_MS;
  }

  /** `verify` asks WeChat about the code; it runs at most once per code, whoever else presents it. */
  async exchange(request: CodeToExchange, verify: () => Promise<VerifiedWechatIdentity>): Promise<VerifiedLogin> {
    const key = codeHash(request.app.appid, request.code);
    // Past its lifetime WeChat refuses the code itself, so we need not remember it longer.
    const lifetime = codeLifetimeSeconds(request.app.type);
    const claim = await this.exchanges.claim(key, request.app.key, request.stateNonce ?? null, request.clientIp, lifetime, this.windowSeconds);
    if (claim.outcome === 'first') return this.askWechat(key, verify);
    if (claim.outcome === 'state_used') throw new AppError('state_invalid');
    if (!claim.sameState || !claim.withinWindow || !claim.sameClient) {
      throw new AppError('wechat_code_used', 'This code has already been used. Start the login again for a fresh code.');
    }
    return { ...(await this.firstResult(request.app, key)), codeCopy: true };
  }

  private async askWechat(key: Buffer, verify: () => Promise<VerifiedWechatIdentity>): Promise<VerifiedLogin> {
    let verified: VerifiedWechatIdentity;
    try {
      verified = await verify();
    } catch (error) {
      // Copies get the same refusal; an unexpected failure still releases them.
      await this.exchanges.settle(key, { errorCode: error instanceof AppError ? error.code : 'internal_error' });
      throw error;
    }
    await this.exchanges.settle(key, { identity: { openid: verified.openid, unionid: verified.unionid ?? null, profile: verified.profile } });
    return verified;
  }

  /** Waits (bounded) for the first arrival's answer. */
  private async firstResult(app: WechatApp, key: Buffer): Promise<VerifiedWechatIdentity> {
    const deadline = Date.now() + this.maxWaitMs;
    for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, MAX_POLL_MS)) {
      const row = await this.exchanges.find(key);
      if (!row) throw new AppError('wechat_code_used');
      if (row.status === 'done' && row.identity) return { app, ...row.identity };
      if (row.status === 'failed') throw new AppError(row.errorCode && row.errorCode in ERROR_CODES ? (row.errorCode as ErrorCode) : 'internal_error');
      if (Date.now() >= deadline) throw new AppError('wechat_unavailable');
      await sleep(pause);
    }
  }

  async purge(): Promise<void> {
    await this.exchanges.purgeExpired().catch((error: Error) => this.logger.warn(`Could not purge expired codes: ${error.message}`));
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }
}

import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { WechatAuthConfig } from '../../options/wechat-auth-config';
import { RevocationEvent, revocationWindowMs, SessionRevokedEvent, UserStatusEvent } from './revocation-events';

const PRUNE_EVERY_MS = 60_000;

interface UserStatusEntry {
  disabled: boolean;
  changedAt: number;
  merged?: boolean;
}

/**
 * The sessions and users this instance must refuse, in memory, so a guarded
 * request never waits on the database. Kept current by the RevocationListener.
 */
@Injectable()
export class RevocationList implements OnModuleDestroy {
  private readonly revokedSessions = new Map<string, number>();
  /** Recent status changes; an enable is kept too, so that an older disable heard later cannot win. */
  private readonly userStatus = new Map<string, UserStatusEntry>();
  private readonly windowMs: number;
  private readonly pruneTimer = setInterval(() => this.prune(Date.now()), PRUNE_EVERY_MS).unref();

  constructor(config: WechatAuthConfig) {
    this.windowMs = revocationWindowMs(config.auth.accessTtlSeconds);
  }

  isSessionRevoked(sessionId: string): boolean {
    return this.revokedSessions.has(sessionId);
  }

  isUserDisabled(userId: string): boolean {
    return this.userStatus.get(userId)?.disabled === true;
  }

  /** A user merged into another: its tokens are refused, though its sessions (now the other user's) live on. */
  isUserMerged(userId: string): boolean {
    return this.userStatus.get(userId)?.merged === true;
  }

  add(event: RevocationEvent): void {
    if ('sessionId' in event) this.addSession(event);
    else this.setUserStatus(event);
  }

  get size(): number {
    return this.revokedSessions.size + this.userStatus.size;
  }

  /** Forgets what no unexpired token can be affected by any more. */
  prune(now: number): void {
    for (const [sessionId, until] of this.revokedSessions) {
      if (until <= now) this.revokedSessions.delete(sessionId);
    }
    for (const [userId, entry] of this.userStatus) {
      if (entry.changedAt + this.windowMs <= now) this.userStatus.delete(userId);
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
  }

  private addSession(event: SessionRevokedEvent): void {
    if (event.until <= Date.now()) return;
    const known = this.revokedSessions.get(event.sessionId) ?? 0;
    this.revokedSessions.set(event.sessionId, Math.max(known, event.until));
  }

  /**
   * Tokens of a user disabled longer than a token lifetime ago have all expired,
   * and none are issued while disabled: such a user needs no entry.
   */
  private setUserStatus(event: UserStatusEvent): void {
    if (event.changedAt + this.windowMs <= Date.now()) return;
    const known = this.userStatus.get(event.userId);
    if (known && known.changedAt > event.changedAt) return;
    this.userStatus.set(event.userId, { disabled: event.disabled, changedAt: event.changedAt, merged: event.merged });
  }
}

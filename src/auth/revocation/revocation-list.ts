import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { SessionRevokedEvent } from './revocation-events';

const PRUNE_EVERY_MS = 60_000;

/**
 * The sessions this instance must refuse, in memory, so a guarded request
 * never waits on the database. Kept current by the RevocationListener.
 */
@Injectable()
export class RevocationList implements OnModuleDestroy {
  private readonly revokedSessions = new Map<string, number>();
  private readonly pruneTimer = setInterval(() => this.prune(Date.now()), PRUNE_EVERY_MS).unref();

  isSessionRevoked(sessionId: string): boolean {
    return this.revokedSessions.has(sessionId);
  }

  add(event: SessionRevokedEvent): void {
    if (event.until <= Date.now()) return;
    const known = this.revokedSessions.get(event.sessionId) ?? 0;
    this.revokedSessions.set(event.sessionId, Math.max(known, event.until));
  }

  get size(): number {
    return this.revokedSessions.size;
  }

  /** Forgets sessions whose tokens have all expired by `now`. */
  prune(now: number): void {
    for (const [sessionId, until] of this.revokedSessions) {
      if (until <= now) this.revokedSessions.delete(sessionId);
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
  }
}

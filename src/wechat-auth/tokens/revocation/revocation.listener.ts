import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Client, ClientConfig, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { InjectWechatAuthDataSource } from '../../core/data-source';
import { WechatAuthConfig } from '../../options/wechat-auth-config';
import { SessionsRepository } from '../../sessions/sessions.repository';
import { UserStatusRepository } from '../../sessions/user-status.repository';
import { parseRevocationEvent, REVOCATION_CHANNEL, revocationWindowMs } from './revocation-events';
import { RevocationList } from './revocation-list';

const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 5000];

/**
 * Keeps the RevocationList of this instance equal to every other's: it
 * LISTENs for revocations (sessions ended, users disabled or enabled) on a
 * dedicated connection and reloads the recent ones at start and after every
 * reconnect, so nothing said while it was deaf is lost.
 */
@Injectable()
export class RevocationListener implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RevocationListener.name);
  private client?: Client;
  private reconnectTimer?: NodeJS.Timeout;
  private attempts = 0;
  private stopped = false;

  constructor(
    @InjectWechatAuthDataSource() private readonly dataSource: DataSource,
    private readonly list: RevocationList,
    private readonly sessions: SessionsRepository,
    private readonly userStatuses: UserStatusRepository,
    private readonly config: WechatAuthConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ ...this.connectionSettings(), connectionTimeoutMillis: 3000 });
    this.client = client;
    client.on('notification', (message) => {
      const event = parseRevocationEvent(message.payload);
      if (event) this.list.add(event);
    });
    client.on('error', () => this.scheduleReconnect(client));
    client.on('end', () => this.scheduleReconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${REVOCATION_CHANNEL}`);
      const windowMs = revocationWindowMs(this.config.auth.accessTtlSeconds);
      const [sessions, userStatuses] = await Promise.all([this.sessions.recentlyRevoked(windowMs), this.userStatuses.recentChanges(windowMs)]);
      // Merged, not replaced: each user's later status change wins, whichever way it arrived. Both are added at
      // once, so no request sees a disabled user's sessions ended without the user disabled (401, not 403).
      for (const event of [...sessions, ...userStatuses]) this.list.add(event);
      if (this.attempts > 0) this.logger.log('Revocation feed reconnected and reloaded');
      this.attempts = 0;
    } catch (error) {
      this.logger.warn(`Revocation feed unavailable (${(error as Error).message}); retrying`);
      this.scheduleReconnect(client);
    }
  }

  /** The host connection's own settings: LISTEN needs a connection of its own, outside the pool. */
  private connectionSettings(): ClientConfig {
    return (this.dataSource.driver as unknown as { master: Pool & { options: ClientConfig } }).master.options;
  }

  private scheduleReconnect(client: Client): void {
    if (this.stopped || client !== this.client || this.reconnectTimer) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    const delay = RECONNECT_DELAYS_MS[Math.min(this.attempts++, RECONNECT_DELAYS_MS.length - 1)];
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay).unref();
  }
}

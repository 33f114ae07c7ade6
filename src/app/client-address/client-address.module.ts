import { Logger, MiddlewareConsumer, Module, NestModule, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ProxyHeaderWatch } from './proxy-header-watch.middleware';

/** Says where client addresses come from, and warns when that looks wrong for how the service is reached. */
@Module({ providers: [ProxyHeaderWatch] })
export class ClientAddressModule implements NestModule, OnApplicationBootstrap {
  private readonly logger = new Logger('ClientAddress');

  constructor(private readonly config: AppConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    if (this.config.trustProxy === false) consumer.apply(ProxyHeaderWatch).forRoutes('{*path}');
  }

  onApplicationBootstrap(): void {
    const source =
      this.config.trustProxy === false
        ? 'the connection (TRUST_PROXY is off; X-Forwarded-For is ignored)'
        : `X-Forwarded-For as set by trusted proxies (TRUST_PROXY=${String(this.config.trustProxy)})`;
    this.logger.log(`Client addresses come from ${source}`);
  }
}

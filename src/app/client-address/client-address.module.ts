import { Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { watchForProxyHeaders } from './proxy-header-watch';

/** Says where client addresses come from, and warns when that looks wrong for how the service is reached. */
@Module({})
export class ClientAddressModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('ClientAddress');

  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    const source =
      this.config.trustProxy === false
        ? 'the connection (TRUST_PROXY is off; X-Forwarded-For is ignored)'
        : `X-Forwarded-For as set by trusted proxies (TRUST_PROXY=${String(this.config.trustProxy)})`;
    this.logger.log(`Client addresses come from ${source}`);
    if (this.config.trustProxy === false) watchForProxyHeaders(this.adapterHost.httpAdapter.getHttpServer(), this.logger);
  }
}

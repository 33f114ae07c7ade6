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
    const { trustProxy } = this.config;
    const source =
      trustProxy === false
        ? 'the connection (TRUST_PROXY is off; X-Forwarded-For is ignored)'
        : typeof trustProxy === 'number'
          ? `X-Forwarded-For as set by trusted proxies (TRUST_PROXY=${trustProxy}): the address ${trustProxy} hop(s) in from the connection`
          : `X-Forwarded-For as set by trusted proxies (TRUST_PROXY=${trustProxy}): the right-most address that is not one of these proxies`;
    this.logger.log(`Client addresses come from ${source}`);
    if (trustProxy === false) watchForProxyHeaders(this.adapterHost.httpAdapter.getHttpServer(), this.logger);
  }
}

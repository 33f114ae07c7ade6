import { DynamicModule, INestApplication, NestApplicationOptions, Type } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { createExpressApp } from './express-app';
import { createFastifyApp } from './fastify-app';

/** A Nest app on the platform HTTP_PLATFORM names, with the same body, error and proxy rules on both. */
export function createPlatformApp(root: Type | DynamicModule, config: AppConfig, options: NestApplicationOptions): Promise<INestApplication> {
  return config.httpPlatform === 'fastify' ? createFastifyApp(root, config, options) : createExpressApp(root, config, options);
}

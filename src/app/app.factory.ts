import { INestApplication, Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AllExceptionsFilter, createValidationPipe } from '../wechat-auth';
import { AppConfig } from './config/app-config';
import { createPlatformApp } from './http/platform-app';

/** Errors, validation and docs: the HTTP conventions of API.md, shared by every app we start, on either platform. */
export function configureHttp(app: INestApplication, options: { docs: boolean }): void {
  app.useGlobalFilters(new AllExceptionsFilter(app.get(HttpAdapterHost)));
  app.useGlobalPipes(createValidationPipe());
  if (options.docs) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('wechat-auth')
        .setDescription('WeChat login (Mini Program, Official Account H5, website QR), sessions and guards for a NestJS monolith.')
        .setVersion('0.1.0')
        .addBearerAuth()
        .build(),
    );
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  }
}

/** The whole service, configured but not yet listening. */
export async function createApp(config: AppConfig, databaseUrl: string, extraModules: Type[] = []): Promise<INestApplication> {
  const root = AppModule.forRoot(config, databaseUrl);
  root.imports = [...(root.imports ?? []), ...extraModules];
  const app = await createPlatformApp(root, config, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  configureHttp(app, { docs: config.apiDocs });
  return app;
}

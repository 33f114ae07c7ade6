import { INestApplication, Type } from '@nestjs/common';
import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';
import type { IncomingHttpHeaders } from 'node:http';
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

/**
 * The frontends logins return to may call the API from their pages: exactly
 * those origins, with a bearer token and JSON (no cookies: tokens travel in
 * headers). Any other origin gets no CORS headers at all.
 */
function allowFrontends(app: INestApplication, origins: string[]): void {
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  const rules = { methods: ['GET', 'POST', 'PATCH', 'DELETE'], allowedHeaders: ['Authorization', 'Content-Type'], credentials: false, maxAge: 600 };
  // Decided per request, so that a foreign origin gets no CORS header at all (not even the allowed methods).
  app.enableCors((request: { headers: IncomingHttpHeaders }, callback: (error: Error | null, options: CorsOptions) => void) => {
    const origin = request.headers.origin;
    callback(null, typeof origin === 'string' && allowed.has(origin) ? { ...rules, origin } : { origin: false });
  });
}

/** The whole service, configured but not yet listening. */
export async function createApp(config: AppConfig, databaseUrl: string, extraModules: Type[] = []): Promise<INestApplication> {
  const root = AppModule.forRoot(config, databaseUrl);
  root.imports = [...(root.imports ?? []), ...extraModules];
  const app = await createPlatformApp(root, config, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  allowFrontends(app, config.oauth.frontendOrigins);
  configureHttp(app, { docs: config.apiDocs });
  return app;
}

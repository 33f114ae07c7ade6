import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from '../wechat-auth/core/http/all-exceptions.filter';
import { toErrorResponse } from '../wechat-auth/core/http/error-response';
import { createValidationPipe } from '../wechat-auth/core/http/validation';
import { AppConfig } from './config/app-config';

export const MAX_BODY_BYTES = 64 * 1024;

/** No request of ours needs these keys; refusing them at parse time closes prototype-pollution tricks. */
function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw new SyntaxError(`"${key}" is not allowed in a request body`);
  return value;
}

/** Body parsing, errors, validation and docs: the HTTP conventions of API.md, shared by every app we start. */
export function configureHttp(app: NestExpressApplication, options: { docs: boolean }): void {
  app.disable('x-powered-by');
  app.use(json({ limit: MAX_BODY_BYTES, reviver: refusePrototypeKeys }));
  // Right after the parser, so a malformed or oversized body gets our JSON error, not Express's HTML page.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { body, headers } = toErrorResponse(error);
    res.status(body.statusCode).set(headers).json(body);
  });
  app.useGlobalFilters(new AllExceptionsFilter());
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
  const app = await NestFactory.create<NestExpressApplication>(root, { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  // Login history and sessions record request.ip: only a configured proxy may say who the client is.
  app.set('trust proxy', config.trustProxy);
  configureHttp(app, { docs: true });
  return app;
}

import { DynamicModule, NestApplicationOptions, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { json, NextFunction, Request, Response, text } from 'express';
import { toErrorResponse } from '../../wechat-auth';
import { AppConfig } from '../config/app-config';
import { PrototypedExpressAdapter } from './express-adapter';
import { MAX_BODY_BYTES, refusePrototypeKeys } from './json-body';
import { limitServer } from './server-timeouts';

/** The app on Express: JSON bodies up to 64 KiB, parse errors in API.md's shape, the configured proxies trusted, slow clients cut off. */
export async function createExpressApp(root: Type | DynamicModule, config: AppConfig, options: NestApplicationOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(root, new PrototypedExpressAdapter(), { ...options, bodyParser: false });
  limitServer(app.getHttpServer(), config.http);
  app.disable('x-powered-by');
  // Express hashes every answer for an ETag; an API's answers are not revalidated (Fastify sends none either).
  app.disable('etag');
  // Login history and sessions record request.ip: only a configured proxy may say who the client is.
  app.set('trust proxy', config.trustProxy);
  app.use(json({ limit: MAX_BODY_BYTES, reviver: refusePrototypeKeys }));
  // A body labelled text/plain, or not labelled at all, reaches the route as text (WeChat's servers read such bodies, so the sandbox must).
  app.use(text({ limit: MAX_BODY_BYTES, type: (req) => !req.headers['content-type'] || String(req.headers['content-type']).startsWith('text/plain') }));
  // Right after the parser, so a malformed or oversized body gets our JSON error, not Express's HTML page.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { body, headers } = toErrorResponse(error);
    res.status(body.statusCode).set(headers).json(body);
  });
  return app;
}

import { DynamicModule, NestApplicationOptions, Type } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppError, toErrorResponse } from '../../wechat-auth';
import { AppConfig } from '../config/app-config';
import { requestIdOf } from '../logging/request-id';
import { MAX_BODY_BYTES, refusePrototypeKeys } from './json-body';
import { serverTimeouts } from './server-timeouts';

/** The app on Fastify, behaving as on Express: the same body rules, parse errors, proxy trust and limits on slow clients. */
export async function createFastifyApp(root: Type | DynamicModule, config: AppConfig, options: NestApplicationOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    trustProxy: config.trustProxy,
    // Fastify sets these on the server it makes (none by default: a slow client could hold a connection for ever); the rest go to createServer.
    connectionTimeout: config.http.idleTimeoutMs,
    requestTimeout: config.http.requestTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    http: serverTimeouts(config.http),
    // Express puts no limit on a path parameter: a long one reaches the route and its validation, as here.
    routerOptions: { maxParamLength: 2048 },
    // Fastify names each request itself; the logs must show the same id as on Express.
    genReqId: requestIdOf,
    // The router's own refusals (a malformed URL) in API.md's shape, like every other error.
    frameworkErrors: (error: Error, _request: FastifyRequest, reply: FastifyReply) => {
      const { body, headers } = toErrorResponse(error);
      void reply.status(body.statusCode).headers(headers).send(body);
    },
  });
  const fastify = adapter.getInstance();
  // Express's parser rules: an empty body is {}, and the prototype keys are refused.
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    try {
      done(null, text === '' ? {} : JSON.parse(text as string, refusePrototypeKeys));
    } catch {
      done(new AppError('invalid_request', 'The request body is not valid JSON.'), undefined);
    }
  });
  // Any other body (text/plain, or none labelled) reaches the route as text, as on Express.
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  // A graceful stop waits for every connection to end: answers finished while stopping close theirs.
  let stopping = false;
  fastify.addHook('preClose', (done) => {
    stopping = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (stopping) void reply.header('Connection', 'close');
    done(null, payload);
  });
  return NestFactory.create<NestFastifyApplication>(root, adapter, { ...options, bodyParser: false });
}

import { DynamicModule, Inject, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger, PARAMS_PROVIDER_TOKEN, PinoLogger } from 'nestjs-pino';
import { HttpLogger, Options, pinoHttp, stdSerializers } from 'pino-http';
import { AppConfig } from '../config/app-config';
import { requestIdOf } from './request-id';

const CENSORED = '[REDACTED]';
const HTTP_LOGGER = Symbol('HTTP_LOGGER');
const SECRET_PARAMS = /^(code|js_code|secret|state|ticket|bindticket|signupticket|access_token|refresh_token|token|session_key|verifier)$/i;

function redactParams(text: string): string {
  const params = new URLSearchParams(text);
  for (const key of [...params.keys()]) if (SECRET_PARAMS.test(key)) params.set(key, CENSORED);
  return params.toString();
}

/**
 * A URL fit for a log line: the values of secret-bearing parameters are
 * replaced, in the query and in the fragment (where a login's redirect puts
 * its one-time ticket).
 */
export function redactUrl(url: string): string {
  const hashAt = url.indexOf('#');
  const [beforeHash, fragment] = hashAt < 0 ? [url, undefined] : [url.slice(0, hashAt), url.slice(hashAt + 1)];
  const queryAt = beforeHash.indexOf('?');
  const redacted = queryAt < 0 ? beforeHash : `${beforeHash.slice(0, queryAt)}?${redactParams(beforeHash.slice(queryAt + 1))}`;
  return fragment === undefined ? redacted : `${redacted}#${redactParams(fragment)}`;
}

function httpLoggerOptions(config: AppConfig): Options {
  return {
    level: config.logLevel,
    genReqId: requestIdOf,
    // pino-http serializes a request's bindings when it makes the request's logger, on every request,
    // logged or not: the serializers read the raw request and response for the few fields a line needs
    // (no copy through pino's standard serializers first) and censor them themselves (no `redact` paths).
    wrapSerializers: false,
    serializers: {
      err: stdSerializers.err,
      req: (req: IncomingMessage & { id: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url ?? ''),
        headers: { authorization: req.headers.authorization === undefined ? undefined : CENSORED, 'user-agent': req.headers['user-agent'] },
        remoteAddress: req.socket?.remoteAddress,
      }),
      // A redirect's Location may carry a ticket (#ticket=…): only the status and the redacted location are logged.
      res: (res: ServerResponse) => {
        const location = res.getHeader('location');
        return { statusCode: res.statusCode, ...(typeof location === 'string' ? { headers: { location: redactUrl(location) } } : {}) };
      },
    },
    // A request whose client went away before its answer was sent has no status to show.
    customSuccessMessage: (req, res) => `${req.method} ${redactUrl(req.url ?? '')} ${res.writableEnded ? res.statusCode : 'aborted by the client'}`,
  };
}

/**
 * Structured JSON logs with a request id; tokens, codes and secrets are
 * redacted, cookies never logged. pino-http writes one line per request;
 * nestjs-pino's Logger carries the lines of Nest and of the services.
 *
 * nestjs-pino's own module would also run every request inside an
 * AsyncLocalStorage so that service lines carry the request's bindings. On
 * Node 20 one such storage puts a hook on every promise of the process, in
 * every module of the monolith: an await costs two to three times as much,
 * and a guarded route makes about forty. Service lines here are rare
 * (failures, start-up) and say what they are about; the request line has
 * the id, the route and the status.
 */
@Module({})
export class LoggerModule implements NestModule {
  constructor(
    @Inject(HTTP_LOGGER) private readonly httpLogger: HttpLogger,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  static forRoot(config: AppConfig): DynamicModule {
    const httpLogger = pinoHttp(httpLoggerOptions(config));
    return {
      module: LoggerModule,
      global: true,
      providers: [
        { provide: HTTP_LOGGER, useValue: httpLogger },
        { provide: PARAMS_PROVIDER_TOKEN, useValue: { pinoHttp: { logger: httpLogger.logger } } },
        PinoLogger,
        Logger,
      ],
      exports: [Logger, PinoLogger],
    };
  }

  /**
   * Every request passes the request logger. On Fastify it is a hook of
   * Fastify's own: as a Nest middleware it would run through the middleware
   * layer (@fastify/middie), which cost more per request than the logger.
   */
  configure(consumer: MiddlewareConsumer): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter.getType() === 'fastify') {
      adapter.getInstance<FastifyInstance>().addHook('onRequest', (request, reply, done) => this.httpLogger(request.raw, reply.raw, () => done()));
    } else {
      consumer.apply(this.httpLogger).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
    }
  }
}

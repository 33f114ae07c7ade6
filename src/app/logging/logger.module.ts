import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { requestIdOf } from './request-id';

const SECRET_QUERY_PARAMS = /^(code|js_code|secret|state|ticket|access_token|refresh_token|token|session_key)$/i;

/** A URL fit for a log line: the values of secret-bearing query parameters are replaced. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;
  const params = new URLSearchParams(url.slice(queryStart + 1));
  for (const key of [...params.keys()]) if (SECRET_QUERY_PARAMS.test(key)) params.set(key, '[REDACTED]');
  return `${url.slice(0, queryStart)}?${params.toString()}`;
}

/** Structured JSON logs with a request id; tokens, cookies, codes and secrets are redacted. */
@Module({})
export class LoggerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: LoggerModule,
      imports: [
        PinoLoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            genReqId: requestIdOf,
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
              censor: '[REDACTED]',
            },
            serializers: {
              req: (req: { id: string; method: string; url: string; headers: Record<string, unknown>; remoteAddress?: string }) => ({
                id: req.id,
                method: req.method,
                url: redactUrl(req.url),
                headers: { authorization: req.headers.authorization, 'user-agent': req.headers['user-agent'] },
                remoteAddress: req.remoteAddress,
              }),
            },
            customSuccessMessage: (req, res) => `${req.method} ${redactUrl(req.url ?? '')} ${res.statusCode}`,
          },
        }),
      ],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';
import { stdSerializers } from 'pino-http';
import { AppConfig } from '../config/app-config';
import { requestIdOf } from './request-id';

const CENSORED = '[REDACTED]';
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

/** Structured JSON logs with a request id; tokens, codes and secrets are redacted, cookies never logged. */
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
            customSuccessMessage: (req, res) => `${req.method} ${redactUrl(req.url ?? '')} ${res.statusCode}`,
          },
        }),
      ],
    };
  }
}

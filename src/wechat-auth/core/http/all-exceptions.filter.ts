import { ArgumentsHost, Catch, ExceptionFilter, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppError } from '../errors/app-error';
import { toErrorResponse } from './error-response';

/**
 * Answers anything thrown with API.md's error shape, through Nest's HTTP
 * adapter, so it works the same on Express and on Fastify. For a global
 * filter of the host: `app.useGlobalFilters(new AllExceptionsFilter(app.get(HttpAdapterHost)))`.
 */
@Catch()
@Injectable()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    if (!(exception instanceof AppError) && bodyCutShort(host.switchToHttp().getRequest())) {
      // What failed was reading a body the client stopped sending (it went away, or the request timeout cut it off): its error, not ours.
      this.logger.warn(`A request body ended before all of it arrived (${exception instanceof Error ? exception.message : String(exception)})`);
      exception = new AppError('invalid_request', 'The request body ended before all of it arrived.');
    }
    const { body, headers } = toErrorResponse(exception);
    if (body.statusCode >= 500 && !(exception instanceof AppError)) this.logUnexpected(exception, body.error);
    if (httpAdapter.isHeadersSent(response)) return;
    // An error is never stored by a cache, whatever the route sends when it succeeds (a public picture): a passing outage or a missing picture must not be pinned in a CDN.
    httpAdapter.setHeader(response, 'Cache-Control', 'no-store');
    for (const [name, value] of Object.entries(headers)) httpAdapter.setHeader(response, name, value);
    httpAdapter.reply(response, body, body.statusCode);
  }

  private logUnexpected(exception: unknown, code: string): void {
    // AppErrors were logged where they arose, with context. Anything else is a
    // bug or an outage: its stack goes to the log, never to the response.
    const detail = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
    this.logger.error(`${code}: ${detail}`);
  }
}

/** The request's body stopped before its end: Node's request stream (Fastify's raw one) was aborted while being read. */
function bodyCutShort(request: { raw?: unknown; readableAborted?: unknown } | undefined): boolean {
  const stream = (request?.raw ?? request) as { readableAborted?: unknown } | undefined;
  return stream?.readableAborted === true;
}

import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { AppError } from '../errors/app-error';
import { toErrorResponse } from './error-response';
import { ERROR_CODE_LOCAL } from '../../throttling/sign-in-failures';

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { body, headers } = toErrorResponse(exception);
    if (body.statusCode >= 500 && !(exception instanceof AppError)) this.logUnexpected(exception, body.error);
    if (response.headersSent) return;
    // Read by the sign-in throttler, which counts some codes as failures of the caller's address.
    response.locals[ERROR_CODE_LOCAL] = body.error;
    response.status(body.statusCode).set(headers).json(body);
  }

  private logUnexpected(exception: unknown, code: string): void {
    // AppErrors were logged where they arose, with context. Anything else is a
    // bug or an outage: its stack goes to the log, never to the response.
    const detail = exception instanceof Error ? exception.stack ?? exception.message : String(exception);
    this.logger.error(`${code}: ${detail}`);
  }
}

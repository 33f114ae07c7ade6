import { HttpException, HttpStatus } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { AppError } from '../errors/app-error';
import { isDatabaseUnavailable } from '../errors/database-errors';
import { ErrorCode } from '../errors/error-codes';

export interface ErrorBody {
  statusCode: number;
  error: ErrorCode;
  message: string;
}

const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: 'invalid_request',
  [HttpStatus.UNAUTHORIZED]: 'unauthorized',
  [HttpStatus.FORBIDDEN]: 'forbidden',
  [HttpStatus.NOT_FOUND]: 'not_found',
  [HttpStatus.METHOD_NOT_ALLOWED]: 'not_found',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'payload_too_large',
  [HttpStatus.TOO_MANY_REQUESTS]: 'rate_limited',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'service_unavailable',
};

/**
 * What the HTTP platform itself refuses before any route runs. Express's
 * body-parser gives `status` and `type`; Fastify gives `statusCode` and an
 * `FST_ERR_*` code (its body parsers, and its router for a malformed URL).
 * Fastify refuses a content type it cannot parse (415) where Express ignores
 * the body: both become invalid_request.
 */
function platformRefusal(error: unknown): { code: ErrorCode; message: string } | undefined {
  const { status, type, statusCode, code } = (error ?? {}) as { status?: unknown; type?: unknown; statusCode?: unknown; code?: unknown };
  const fromExpress = typeof type === 'string' && typeof status === 'number';
  const fromFastify = typeof code === 'string' && code.startsWith('FST_ERR_') && typeof statusCode === 'number';
  if (!fromExpress && !fromFastify) return undefined;
  const httpStatus = (fromExpress ? status : statusCode) as number;
  if (httpStatus === HttpStatus.PAYLOAD_TOO_LARGE) return { code: 'payload_too_large', message: new AppError('payload_too_large').message };
  if (httpStatus < 400 || httpStatus >= 500) return undefined;
  const aboutTheBody = fromExpress || (code as string).startsWith('FST_ERR_CTP_');
  return { code: 'invalid_request', message: aboutTheBody ? 'The request body is not valid JSON.' : new AppError('invalid_request').message };
}

function httpExceptionMessage(exception: HttpException): string | undefined {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : undefined;
}

/**
 * Turns anything thrown into our contract's error shape. Only AppErrors and
 * Nest's own HTTP exceptions keep their message: anything else may hold
 * internals (SQL, URLs, keys) and is answered with a generic text.
 */
export function toErrorResponse(exception: unknown): { body: ErrorBody; headers: Record<string, string> } {
  const respond = (code: ErrorCode, status: number, message: string, headers: Record<string, string> = {}) => ({
    body: { statusCode: status, error: code, message },
    headers,
  });
  if (exception instanceof AppError) {
    return respond(exception.code, exception.getStatus(), exception.message, exception.headers);
  }
  if (exception instanceof ThrottlerException) {
    return respond('rate_limited', 429, new AppError('rate_limited').message);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'invalid_request');
    const message = code === 'internal_error' ? new AppError(code).message : httpExceptionMessage(exception);
    return respond(code, status, message ?? new AppError(code).message);
  }
  const refusal = platformRefusal(exception);
  if (refusal) return respond(refusal.code, new AppError(refusal.code).getStatus(), refusal.message);
  const fallback = new AppError(isDatabaseUnavailable(exception) ? 'service_unavailable' : 'internal_error');
  return respond(fallback.code, fallback.getStatus(), fallback.message);
}

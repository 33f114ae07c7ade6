import { HttpException } from '@nestjs/common';
import { ERROR_CODES, ErrorCode } from './error-codes';

/**
 * A failure with a code from our contract. Services throw these; the module's
 * exception filter turns them into the JSON error shape. It is an
 * HttpException whose body already has that shape, so a host's own filters
 * (or Nest's default one) answer the right status and body too.
 * The message is shown to the caller, so it must never carry a secret.
 */
export class AppError extends HttpException {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code].message,
    readonly headers: Record<string, string> = {},
  ) {
    super({ statusCode: ERROR_CODES[code].status, error: code, message }, ERROR_CODES[code].status);
  }
}

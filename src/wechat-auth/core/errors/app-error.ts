import { ERROR_CODES, ErrorCode } from './error-codes';

/**
 * A failure with a code from our contract. Services throw these instead of
 * HttpExceptions; the exception filter turns them into the JSON error shape.
 * The message is shown to the caller, so it must never carry a secret.
 */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'AppError';
    this.status = ERROR_CODES[code].status;
  }
}

import { AppError } from '../core/errors/app-error';
import { violatesUnique } from '../core/errors/database-errors';

/** At most one user holds a verified phone number (the index a migration made unique). */
export const PHONE_UNIQUE_INDEX = 'users_phone_key';

/** For a write that gave a user a phone: another user holding it is the caller's `phone_in_use`, anything else stays what it was. */
export function rethrowPhoneInUse(error: unknown): never {
  if (violatesUnique(error, PHONE_UNIQUE_INDEX)) throw new AppError('phone_in_use');
  throw error;
}

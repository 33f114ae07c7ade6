import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppError } from '../errors/app-error';

const VALIDATOR_OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true } as const;

function describe(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((text) => text.replace(error.property, path));
    return [...own, ...describe(error.children ?? [], path)];
  });
}

export function invalidRequest(errors: ValidationError[]): AppError {
  return new AppError('invalid_request', describe(errors).join('; ') || 'The request is malformed.');
}

/** The ValidationPipe every controller uses: unknown fields and wrong types are refused. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...VALIDATOR_OPTIONS,
    transform: true,
    exceptionFactory: invalidRequest,
  });
}

/**
 * The same validation, for code that runs before pipes do (Passport strategies
 * run inside guards): a body that breaks the DTO's rules never reaches WeChat.
 */
export function validateBody<T extends object>(dto: ClassConstructor<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('invalid_request', 'The request body must be a JSON object.');
  }
  const instance = plainToInstance(dto, body);
  const errors = validateSync(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) throw invalidRequest(errors);
  return instance;
}

import { ArgumentMetadata, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
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

/** Whether a NUL character hides anywhere in the value: PostgreSQL text cannot hold one. */
function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 8 || typeof value !== 'object' || value === null) return false;
  return Object.values(value).some((inner) => holdsNul(inner, depth + 1));
}

function refuseNul(value: unknown): void {
  if (holdsNul(value)) throw new AppError('invalid_request', 'Text may not contain NUL characters.');
}

/** The ValidationPipe every controller uses: unknown fields, wrong types and NUL characters are refused. */
class ApiValidationPipe implements PipeTransform {
  private readonly validation = new ValidationPipe({ ...VALIDATOR_OPTIONS, transform: true, exceptionFactory: invalidRequest });

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    // A custom decorator's value (the signed-in user) comes from us, not from the request: handed on as it is,
    // without the promise ValidationPipe makes of every value, on every guarded route.
    if (metadata.type === 'custom') return value;
    refuseNul(value);
    return this.validation.transform(value, metadata);
  }
}

export function createValidationPipe(): PipeTransform {
  return new ApiValidationPipe();
}

/**
 * The same validation, for code that runs before pipes do (Passport strategies
 * run inside guards): a body that breaks the DTO's rules never reaches WeChat.
 */
export function validateBody<T extends object>(dto: ClassConstructor<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('invalid_request', 'The request body must be a JSON object.');
  }
  refuseNul(body);
  const instance = plainToInstance(dto, body);
  const errors = validateSync(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) throw invalidRequest(errors);
  return instance;
}

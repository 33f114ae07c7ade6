import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

type Target = object;

/**
 * A decorator's value for a handler (the handler's own, else its class's),
 * read once per handler and class. Route metadata does not change once the
 * app runs, and reflect-metadata walks prototype chains on every read: a
 * guard that asks on every request pays for it on every route of the app.
 */
export class HandlerMetadata<T> {
  private readonly byClass = new WeakMap<Target, WeakMap<Target, { value: T | undefined }>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly key: string,
  ) {}

  of(context: ExecutionContext): T | undefined {
    const handler = context.getHandler();
    const owner = context.getClass();
    let byHandler = this.byClass.get(owner);
    if (!byHandler) this.byClass.set(owner, (byHandler = new WeakMap()));
    let known = byHandler.get(handler);
    if (!known) byHandler.set(handler, (known = { value: this.reflector.getAllAndOverride<T | undefined>(this.key, [handler, owner]) }));
    return known.value;
  }
}

import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { AppError } from '../core/errors/app-error';
import { USER_LIFECYCLE_EVENT } from './user-lifecycle.decorators';
import { CommittedEvent, UserLifecycleEvent, UserLifecycleEvents } from './user-lifecycle.events';

interface Subscriber {
  /** `ClassName.method`, for the logs. */
  name: string;
  handle: (payload: unknown) => unknown;
}

/**
 * Delivers the user lifecycle to the methods of any provider of the app that
 * carry one of the `@On…()` decorators, found once at start-up.
 */
@Injectable()
export class UserLifecycle implements OnModuleInit {
  private readonly logger = new Logger(UserLifecycle.name);
  private readonly subscribers = new Map<UserLifecycleEvent, Subscriber[]>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      // Request-scoped providers have no instance at start-up, and no place in a transaction.
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const handler = instance[method];
        const event = typeof handler === 'function' ? (Reflect.getMetadata(USER_LIFECYCLE_EVENT, handler) as UserLifecycleEvent | undefined) : undefined;
        if (!event) continue;
        const subscribers = this.subscribers.get(event) ?? [];
        subscribers.push({ name: `${instance.constructor.name}.${method}`, handle: (payload) => (handler as (payload: unknown) => unknown).call(instance, payload) });
        this.subscribers.set(event, subscribers);
      }
    }
  }

  /**
   * Runs the subscribers of a merge or a deletion in its transaction, one
   * after the other. One that fails undoes the whole transaction: the caller
   * gets `service_unavailable`, the log gets the subscriber and its error.
   */
  async inTransaction<Name extends 'users.merged' | 'user.deleted'>(name: Name, payload: UserLifecycleEvents[Name]): Promise<void> {
    for (const subscriber of this.subscribers.get(name) ?? []) {
      try {
        await subscriber.handle(payload);
      } catch (error) {
        this.logger.error(`${subscriber.name} failed on ${name}, which is undone: ${(error as Error).message}`);
        throw new AppError('service_unavailable', 'Your accounts could not be updated just now; nothing was changed. Try again.');
      }
    }
  }

  /** Delivers events whose transaction has committed, without waiting: a failing subscriber is logged, the caller never sees it. */
  publish(events: readonly CommittedEvent[]): void {
    for (const { name, payload } of events) {
      for (const subscriber of this.subscribers.get(name) ?? []) {
        void Promise.resolve()
          .then(() => subscriber.handle(payload))
          .catch((error: Error) => this.logger.error(`${subscriber.name} failed on ${name}: ${error.message}`));
      }
    }
  }
}

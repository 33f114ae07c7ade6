import { Injectable, Module } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  IdentityBoundEvent,
  OnIdentityBound,
  OnUserCreated,
  OnUserDeleted,
  OnUserDisabled,
  OnUserEnabled,
  OnUsersMerged,
  UserCreatedEvent,
  UserDeletedEvent,
  UsersMergedEvent,
  UserStatusChangedEvent,
} from '../../../src/wechat-auth';

export interface Recorded {
  event: string;
  userId?: string;
  identityId?: string | null;
  fromUserId?: string;
  intoUserId?: string;
  newUser?: boolean;
  inTransaction?: boolean;
}

/** A host module that writes down every lifecycle event it is given. */
@Injectable()
export class LifecycleRecorder {
  readonly events: Recorded[] = [];

  @OnUserCreated()
  created(event: UserCreatedEvent): void {
    this.events.push({ event: 'user.created', userId: event.userId, identityId: event.identityId });
  }

  @OnIdentityBound()
  bound(event: IdentityBoundEvent): void {
    this.events.push({ event: 'identity.bound', userId: event.userId, identityId: event.identityId, newUser: event.newUser });
  }

  @OnUsersMerged()
  merged(event: UsersMergedEvent): void {
    this.events.push({ event: 'users.merged', fromUserId: event.fromUserId, intoUserId: event.intoUserId, inTransaction: event.manager.queryRunner?.isTransactionActive });
  }

  @OnUserDisabled()
  disabled(event: UserStatusChangedEvent): void {
    this.events.push({ event: 'user.disabled', userId: event.userId });
  }

  @OnUserEnabled()
  enabled(event: UserStatusChangedEvent): void {
    this.events.push({ event: 'user.enabled', userId: event.userId });
  }

  @OnUserDeleted()
  deleted(event: UserDeletedEvent): void {
    this.events.push({ event: 'user.deleted', userId: event.userId, inTransaction: event.manager.queryRunner?.isTransactionActive });
  }

  /** The events about these users, once `count` of them have arrived (after-commit events arrive a moment later). */
  async about(userIds: string[], count: number): Promise<Recorded[]> {
    const mine = () => this.events.filter((event) => [event.userId, event.fromUserId, event.intoUserId].some((id) => id && userIds.includes(id)));
    for (let waited = 0; mine().length < count && waited < 2_000; waited += 20) await sleep(20);
    // A little longer, so an event that arrives twice is seen twice.
    await sleep(50);
    return mine();
  }
}

/** A merge subscriber that fails until a test lets it pass. */
@Injectable()
export class FailingMergeSubscriber {
  failing = false;

  @OnUsersMerged()
  refuse(): void {
    if (this.failing) throw new Error('the points ledger is down');
  }
}

@Module({ providers: [LifecycleRecorder, FailingMergeSubscriber] })
export class LifecycleTestModule {}

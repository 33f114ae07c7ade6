import { Injectable } from '@nestjs/common';
import { OnUserDeleted, OnUsersMerged } from '../lifecycle/user-lifecycle.decorators';
import type { UserDeletedEvent, UsersMergedEvent } from '../lifecycle/user-lifecycle.events';
import { AvatarsRepository } from './avatars.repository';

/** Kept avatars follow their user like any module's rows: to the survivor of a merge, and away with a deleted account. */
@Injectable()
export class AvatarsLifecycle {
  constructor(private readonly avatars: AvatarsRepository) {}

  @OnUsersMerged()
  async moveToSurvivor(event: UsersMergedEvent): Promise<void> {
    await this.avatars.moveOnMerge(event.manager, event.fromUserId, event.intoUserId);
  }

  @OnUserDeleted()
  async erase(event: UserDeletedEvent): Promise<void> {
    await this.avatars.erase(event.manager, event.userId);
  }
}

import { SetMetadata } from '@nestjs/common';
import {
  IdentityBoundEvent,
  UserCreatedEvent,
  UserDeletedEvent,
  UserLifecycleEvent,
  UsersMergedEvent,
  UserStatusChangedEvent,
} from './user-lifecycle.events';

export const USER_LIFECYCLE_EVENT = 'wechat-auth:user-lifecycle-event';

type Subscriber<Event> = (event: Event) => unknown;
type SubscriberDecorator<Event> = <Method extends Subscriber<Event>>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<Method>,
) => void;

function subscribe<Event>(name: UserLifecycleEvent): SubscriberDecorator<Event> {
  return SetMetadata(USER_LIFECYCLE_EVENT, name) as SubscriberDecorator<Event>;
}

/** After commit: a user was created. A failing subscriber is logged and breaks nothing. */
export const OnUserCreated = () => subscribe<UserCreatedEvent>('user.created');
/** After commit: a WeChat identity was bound to a user. */
export const OnIdentityBound = () => subscribe<IdentityBoundEvent>('identity.bound');
/** Inside the merge's transaction: move your rows of `fromUserId` to `intoUserId` through `event.manager`; throwing undoes the merge. */
export const OnUsersMerged = () => subscribe<UsersMergedEvent>('users.merged');
/** After commit: a user was disabled. */
export const OnUserDisabled = () => subscribe<UserStatusChangedEvent>('user.disabled');
/** After commit: a user was enabled again. */
export const OnUserEnabled = () => subscribe<UserStatusChangedEvent>('user.enabled');
/** Inside the deletion's transaction: erase your rows of `userId` through `event.manager`; throwing undoes the deletion. */
export const OnUserDeleted = () => subscribe<UserDeletedEvent>('user.deleted');

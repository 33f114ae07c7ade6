import type { EntityManager } from 'typeorm';

/** A user came into being: at a first WeChat sign-in, or made by the host. */
export interface UserCreatedEvent {
  userId: string;
  /** The identity it was created with, when a WeChat sign-in created it. */
  identityId: string | null;
  appKey: string | null;
}

/** A WeChat identity was bound to a user: a new one (`newUser`), or one the person already had. */
export interface IdentityBoundEvent {
  userId: string;
  identityId: string;
  appKey: string;
  newUser: boolean;
}

/**
 * Two users turned out to be one person: everything of `fromUserId` moves to
 * `intoUserId`, and `fromUserId` is deleted. Delivered inside the merge's
 * transaction: write through `manager` so your rows move with the merge, or
 * throw to undo it.
 */
export interface UsersMergedEvent {
  fromUserId: string;
  intoUserId: string;
  manager: EntityManager;
}

/** A user was disabled or enabled. */
export interface UserStatusChangedEvent {
  userId: string;
}

/**
 * A user is being deleted. Delivered inside the deletion's transaction: erase
 * your rows through `manager`, or throw to undo the deletion.
 */
export interface UserDeletedEvent {
  userId: string;
  manager: EntityManager;
}

export interface UserLifecycleEvents {
  'user.created': UserCreatedEvent;
  'identity.bound': IdentityBoundEvent;
  'users.merged': UsersMergedEvent;
  'user.disabled': UserStatusChangedEvent;
  'user.enabled': UserStatusChangedEvent;
  'user.deleted': UserDeletedEvent;
}

export type UserLifecycleEvent = keyof UserLifecycleEvents;

/** An event to deliver once its transaction has committed. */
export type CommittedEvent = {
  [Name in Exclude<UserLifecycleEvent, 'users.merged' | 'user.deleted'>]: { name: Name; payload: UserLifecycleEvents[Name] };
}[Exclude<UserLifecycleEvent, 'users.merged' | 'user.deleted'>];

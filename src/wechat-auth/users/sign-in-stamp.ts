import { selectList, USER_FIELDS } from './entity-columns';
import { cleanProfile } from './profile-rules';
import type { ProfileUpdate } from './identity.repository';

/** What a sign-in writes on its identity and on that identity's user. */
export interface SignInStamp {
  identityId: string;
  /** Cleaned by the profile rules; null keeps the stored value. */
  nickname: string | null;
  avatarUrl: string | null;
  /** The session_key WeChat gave this sign-in, already sealed for the identity's row; null keeps the stored one. */
  sealedSessionKey: string | null;
}

export function signInStamp(identityId: string, profile: ProfileUpdate, sealedSessionKey: string | null): SignInStamp {
  const cleaned = cleanProfile(profile);
  return { identityId, nickname: cleaned.nickname ?? null, avatarUrl: cleaned.avatarUrl ?? null, sealedSessionKey };
}

/** Where a statement holds each value of a SignInStamp: `$n` placeholders. */
export type StampPlaceholders = Record<keyof SignInStamp, string>;

/**
 * A sign-in's writes as two CTEs of one statement: `signed_in` stamps the
 * identity's user (not a deleted one) and answers it as USER_FIELDS,
 * `stamped_identity` stamps the identity once its user was. The user's row
 * is found through the identity and locked before it, in the order a merge
 * takes them: a sign-in racing a merge of its user touches nothing (the user's
 * row is gone) instead of deadlocking, and is tried again, when the identity
 * leads to the surviving user. An account deletion leaves a tombstone, which
 * is not stamped either.
 */
export function signInStampCtes(at: StampPlaceholders): string {
  return `signed_in AS (
     UPDATE users SET last_login_at = now(), updated_at = now(),
       nickname = COALESCE(${at.nickname}, nickname), avatar_url = COALESCE(${at.avatarUrl}, avatar_url)
     WHERE id = (SELECT user_id FROM wechat_identities WHERE id = ${at.identityId}) AND status <> 'deleted'
     RETURNING ${selectList(USER_FIELDS, 'users')}
   ), stamped_identity AS (
     UPDATE wechat_identities SET last_login_at = now(), session_key = COALESCE(${at.sealedSessionKey}, session_key)
     WHERE id = ${at.identityId} AND EXISTS (SELECT 1 FROM signed_in)
   )`;
}

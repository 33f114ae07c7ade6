import type { EntityManager } from 'typeorm';
import type { WechatAppType } from '../wechat/apps/wechat-app';
import type { ProfileUpdate } from './identity.repository';

/** A WeChat identity nobody knows yet (no user holds it or its unionid), as WeChat's server vouched for it. */
export interface SignUpCandidate {
  app: { key: string; type: WechatAppType; appid: string };
  openid: string;
  unionid: string | null;
  profile: ProfileUpdate;
  /** The sign-in's transaction, for a hook that reads (or writes) the host's own tables in it. */
  manager: EntityManager;
}

/**
 * What becomes of an unknown identity: a new user; the host's user `userId`
 * (an account made by the host's own sign-up); no sign-in at all
 * (`account_not_found`); or a sign-up that first asks for the phone number.
 */
export type SignUpDecision = { action: 'create' } | { action: 'attach'; userId: string } | { action: 'refuse' } | { action: 'require-phone' };

/** A provider of the host that decides per identity (pass the instance as `signUp`, e.g. from `forRootAsync`'s `inject`). */
export interface SignUpHook {
  decide(candidate: SignUpCandidate): SignUpDecision | Promise<SignUpDecision>;
}

export const SIGN_UP_MODES = ['create', 'existing-only', 'require-phone'] as const;
export type SignUpMode = (typeof SIGN_UP_MODES)[number];

/** Who may become a user by signing in with WeChat: everyone (default), nobody new, people who give their phone, or the host decides. */
export type SignUpPolicy = SignUpMode | SignUpHook;

const DECISIONS: Record<SignUpMode, SignUpDecision> = {
  create: { action: 'create' },
  'existing-only': { action: 'refuse' },
  'require-phone': { action: 'require-phone' },
};

export function signUpHook(policy: SignUpPolicy): SignUpHook {
  return typeof policy === 'string' ? { decide: () => DECISIONS[policy] } : policy;
}

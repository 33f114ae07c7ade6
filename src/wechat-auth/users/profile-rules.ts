import type { ProfileUpdate } from './identity.repository';

export const NICKNAME_MAX_LENGTH = 64;

/**
 * What WeChat hands new Mini Program versions instead of a profile since
 * April 2021 (wx.getUserProfile): never a person's name or face, so never
 * stored over one.
 */
const PLACEHOLDER_NICKNAMES = new Set(['微信用户']);
const PLACEHOLDER_AVATAR = /^https?:\/\/thirdwx\.qlogo\.cn\/mmopen\/vi_32\/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg\/\d+$/;
export const AVATAR_URL_MAX_LENGTH = 1024;

// C0 and C1 controls (NUL included), zero-width characters, line and paragraph separators, bidirectional overrides.
const INVISIBLE_OR_CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
const HAS_INVISIBLE_OR_CONTROL = new RegExp(INVISIBLE_OR_CONTROL.source);

/** A nickname fit to show: invisible and control characters removed, at most 64 characters; nothing left (or WeChat's placeholder) is no nickname. */
export function cleanNickname(value: string | null | undefined): string | null {
  if (typeof value !== 'string') return null;
  const cleaned = [...value.replace(INVISIBLE_OR_CONTROL, '').trim()].slice(0, NICKNAME_MAX_LENGTH).join('').trim();
  return cleaned && !PLACEHOLDER_NICKNAMES.has(cleaned) ? cleaned : null;
}

/** An avatar URL fit to put in an <img>: http(s) only and of sane length, else none. */
export function cleanAvatarUrl(value: string | null | undefined): string | null {
  if (typeof value !== 'string' || value.length > AVATAR_URL_MAX_LENGTH || HAS_INVISIBLE_OR_CONTROL.test(value) || /\s/.test(value)) return null;
  if (PLACEHOLDER_AVATAR.test(value)) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : null;
  } catch {
    return null;
  }
}

/**
 * The one rule for every nickname and avatar the module stores, whatever the
 * flow brought them (WeChat's user info, encrypted profile data, the user):
 * a value that fails it is dropped (the stored one stays), never a failed login.
 */
export function cleanProfile(profile: ProfileUpdate): ProfileUpdate {
  return { nickname: cleanNickname(profile.nickname), avatarUrl: cleanAvatarUrl(profile.avatarUrl) };
}

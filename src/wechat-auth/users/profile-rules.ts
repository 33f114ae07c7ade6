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

/**
 * What shows nothing, or changes how the text around it shows: controls (C0
 * and C1, NUL included), format characters (zero-width characters,
 * bidirectional overrides, the soft hyphen U+00AD, the Mongolian vowel
 * separator U+180E, the interlinear annotation marks U+FFF9 to U+FFFB, tag
 * characters U+E0000 to U+E007F), line and paragraph separators, lone
 * surrogates, everything Unicode deems default-ignorable (the Hangul fillers
 * U+115F, U+1160, U+3164 and U+FFA0, the combining grapheme joiner U+034F),
 * and the blank Braille pattern U+2800, a symbol that prints nothing.
 * Variation selectors stay: they choose an emoji's look (❤️); as combining
 * marks they count towards the cap below.
 */
const INVISIBLE = /(?![\uFE00-\uFE0F\u{E0100}-\u{E01EF}])[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u2800]/gu;
const HAS_INVISIBLE = new RegExp(INVISIBLE.source, 'u');

/**
 * Combining marks kept on one character. Once NFC has composed what has a
 * composed form (Vietnamese ễ is one code point), writing needs at most
 * three: a Thai consonant with a vowel and a tone mark, a Devanagari vowel
 * sign with a nasal sign, pointed Hebrew with a cantillation mark, a keycap
 * emoji (1 + U+FE0F + U+20E3). More is stacked "Zalgo" text, drawn over the
 * lines around it.
 */
const MAX_MARKS_PER_CHARACTER = 3;
const MARKS_BEYOND_CAP = new RegExp(`(\\p{M}{${MAX_MARKS_PER_CHARACTER}})\\p{M}+`, 'gu');
// A mark at the start or on a space has no letter to sit on.
const MARKS_WITHOUT_BASE = /(^|\s)\p{M}+/gu;

/** WeChat's placeholder however it is dressed: compatibility forms folded, marks and spaces left out. */
function isPlaceholder(nickname: string): boolean {
  return PLACEHOLDER_NICKNAMES.has(nickname.normalize('NFKC').replace(/[\p{M}\s]/gu, ''));
}

/**
 * A nickname fit to show: invisible characters removed, composed (NFC),
 * combining marks capped per character, at most 64 characters; nothing left
 * (or WeChat's placeholder) is no nickname.
 */
export function cleanNickname(value: string | null | undefined): string | null {
  if (typeof value !== 'string') return null;
  const visible = value.replace(INVISIBLE, '').normalize('NFC').replace(MARKS_WITHOUT_BASE, '$1').replace(MARKS_BEYOND_CAP, '$1').trim();
  const cleaned = [...visible].slice(0, NICKNAME_MAX_LENGTH).join('').trim();
  return cleaned && !isPlaceholder(cleaned) ? cleaned : null;
}

/** An avatar URL fit to put in an <img>: http(s) only and of sane length, else none. */
export function cleanAvatarUrl(value: string | null | undefined): string | null {
  if (typeof value !== 'string' || value.length > AVATAR_URL_MAX_LENGTH || HAS_INVISIBLE.test(value) || /\s/.test(value)) return null;
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

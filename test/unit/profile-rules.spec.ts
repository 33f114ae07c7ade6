import { cleanNickname } from '../../src/wechat-auth/users/profile-rules';

const hex = (codePoint: number) => `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
const range = (first: number, last: number) => Array.from({ length: last - first + 1 }, (_, i) => first + i);

/** Characters that print nothing, each a known way to a blank or look-alike nickname. */
const INVISIBLE = [
  0x3164, // Hangul filler
  0x115f, // Hangul choseong filler
  0x1160, // Hangul jungseong filler
  0xffa0, // halfwidth Hangul filler
  0x2800, // Braille pattern blank
  0x00ad, // soft hyphen
  0x180e, // Mongolian vowel separator
  0x034f, // combining grapheme joiner
  ...range(0xe0000, 0xe007f), // tag characters
  ...range(0xfff9, 0xfffb), // interlinear annotation marks
];

describe('nickname cleaning', () => {
  it.each(INVISIBLE.map((codePoint) => [hex(codePoint), String.fromCodePoint(codePoint)]))('drops %s, and a nickname of nothing else', (_name, character) => {
    expect(cleanNickname(`Mei${character}Lin`)).toBe('MeiLin');
    expect(cleanNickname(character.repeat(3))).toBeNull();
    expect(cleanNickname(` ${character} `)).toBeNull();
  });

  it.each([
    ['one combining mark', '\u0301'],
    ['many combining marks', '\u0301\u0308\u0327\u20dd'],
    ['combining marks on spaces', ' \u0301 \u0308\u3000\u0327'],
    ['a variation selector', '\uFE0F'],
  ])('has no nickname in %s alone', (_label, nickname) => {
    expect(cleanNickname(nickname)).toBeNull();
  });

  it('keeps at most three combining marks on a character', () => {
    expect(cleanNickname(`x${'\u0301'.repeat(63)}`)).toBe('x\u0301\u0301\u0301');
    const mixed = Array.from({ length: 63 }, (_, i) => String.fromCodePoint(0x0300 + (i % 0x30))).join('');
    const marksPerCharacter = [...cleanNickname(`Zalgo${mixed}x${mixed}`)!.matchAll(/\P{M}(\p{M}*)/gu)].map((match) => [...match[1]].length);
    expect(marksPerCharacter).toEqual([0, 0, 0, 0, 3, 3]);
  });

  it('drops marks that have nothing to sit on once the invisible characters are gone', () => {
    expect(cleanNickname('\u3164\u0301Lin')).toBe('Lin');
    expect(cleanNickname('Mei \u0301Lin')).toBe('Mei Lin');
  });

  it('composes (NFC), so a decomposed letter counts as one', () => {
    expect(cleanNickname('Nguye\u0302\u0303n')).toBe('Nguy\u1EC5n');
    expect(cleanNickname('e\u200B\u0301')).toBe('\u00E9');
  });

  it.each([
    ['Thai with a vowel and a tone mark', 'กี่'],
    ['Devanagari', 'श्याम'],
    ['pointed Hebrew', 'שָׁלוֹם'],
    ['an emoji with its variation selector', '❤️'],
    ['a keycap emoji', '1\uFE0F\u20E3'],
    ['Korean', '김민준'],
  ])('keeps %s as it is', (_label, nickname) => {
    expect(cleanNickname(nickname)).toBe(nickname.normalize('NFC'));
  });

  it.each([
    ['as WeChat sends it', '微信用户'],
    ['with a combining accent', '微信用户\u0301'],
    ['with marks on every character', '微\u0300信\u0301用\u0302户\u0303'],
    ['with invisible characters between', '微\u3164信\u200B用\u00AD户'],
    ['with spaces between', '微信 用户'],
  ])('refuses WeChat’s placeholder %s', (_label, nickname) => {
    expect(cleanNickname(nickname)).toBeNull();
  });
});

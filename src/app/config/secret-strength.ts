// Words that mark a value someone typed or copied from an example, not one a generator made.
const PLACEHOLDER_WORDS = /change.?me|secret|password|passw0rd|example|placeholder|default|sample|dummy|12345|qwerty|abcdef/i;

/** The shortest unit the whole value repeats, e.g. 'ab' for 'abababab'. */
function repeatingUnit<T>(items: readonly T[]): number {
  for (let unit = 1; unit <= items.length / 2; unit++) {
    if (items.length % unit === 0 && items.every((item, index) => item === items[index % unit])) return unit;
  }
  return items.length;
}

/** Why a text secret looks made by a person rather than a generator, or undefined. */
export function weakSecretReason(secret: string): string | undefined {
  if (PLACEHOLDER_WORDS.test(secret)) return 'looks like a placeholder';
  const characters = [...secret];
  if (repeatingUnit(characters) <= 16) return 'is a repeated pattern';
  if (new Set(characters).size < 10) return 'uses too few different characters';
  return undefined;
}

/** Why a binary key looks made by a person rather than a generator, or undefined. */
export function weakKeyReason(key: Buffer): string | undefined {
  const bytes = [...key];
  if (repeatingUnit(bytes) <= 8) return 'is a repeated byte pattern';
  if (new Set(bytes).size < 12) return 'uses too few different bytes';
  return undefined;
}

/** WeChat AppSecrets are 32 hexadecimal characters. */
export function isAppSecretShaped(secret: string): boolean {
  return /^[0-9a-f]{32}$/i.test(secret) && weakKeyReason(Buffer.from(secret, 'hex')) === undefined;
}

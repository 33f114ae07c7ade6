import { AppError } from '../core/errors/app-error';

export const AVATAR_MAX_BYTES = 1024 * 1024;

export type AvatarContentType = 'image/png' | 'image/jpeg' | 'image/webp';

/** An uploaded picture, its kind read from its own bytes. */
export interface AvatarImage {
  bytes: Buffer;
  contentType: AvatarContentType;
}

const SIGNATURES: Array<{ contentType: AvatarContentType; matches: (bytes: Buffer) => boolean }> = [
  { contentType: 'image/png', matches: (bytes) => bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { contentType: 'image/jpeg', matches: (bytes) => bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])) },
  { contentType: 'image/webp', matches: (bytes) => bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP' },
];

/**
 * The picture's type by its bytes, never by the name or Content-Type the
 * client claims: what we later serve as image/png must be a PNG, not a page
 * a browser could be talked into running.
 */
export function avatarImage(bytes: Buffer): AvatarImage {
  if (bytes.length > AVATAR_MAX_BYTES) throw new AppError('payload_too_large', 'An avatar is at most 1 MB.');
  const known = SIGNATURES.find((signature) => signature.matches(bytes));
  if (!known) throw new AppError('invalid_request', 'Send a PNG, JPEG or WebP image.');
  return { bytes, contentType: known.contentType };
}

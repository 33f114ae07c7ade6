import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../core/errors/app-error';

/**
 * Opens what the Mini Program sealed with the session_key (AES-128-CBC,
 * PKCS#7). Bad padding, a wrong key or garbage inside all mean the same thing
 * in practice: the session_key we hold is not the one that sealed it.
 */
export function decryptUserData(sessionKey: string, encryptedData: string, iv: string): Record<string, unknown> {
  const key = Buffer.from(sessionKey, 'base64');
  const ivBytes = Buffer.from(iv, 'base64');
  const ciphertext = Buffer.from(encryptedData, 'base64');
  if (ivBytes.length !== 16) throw new AppError('invalid_request', 'iv must be 16 bytes, base64-encoded.');
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) throw new AppError('invalid_request', 'encryptedData is not whole AES blocks.');
  if (key.length !== 16) throw new AppError('session_key_expired');
  let data: unknown;
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, ivBytes);
    data = JSON.parse(Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8'));
  } catch {
    throw new AppError('session_key_expired');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new AppError('session_key_expired');
  return data as Record<string, unknown>;
}

/** WeChat's check that rawData came from WeChat: signature == sha1(rawData + session_key), hex. */
export function signatureMatches(rawData: string, sessionKey: string, signature: string): boolean {
  const expected = createHash('sha1').update(rawData + sessionKey).digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

import { randomBytes } from 'node:crypto';
import { DataCipher } from '../../src/wechat-auth/core/crypto/data-cipher';
import { ConfigError, loadAppConfig } from '../../src/app/config/app-config';

const key = () => randomBytes(32).toString('base64');

describe('DataCipher (secrets at rest)', () => {
  it('seals with the current key, names it, and opens only in the same context', () => {
    const cipher = new DataCipher(loadAppConfig({ DATA_ENCRYPTION_KEY: key(), DATA_ENCRYPTION_KEY_ID: 'k2025' }));
    const sealed = cipher.seal('tiihtNczf5v6AKRyjwEUhQ==', 'row:1');
    expect(sealed).toMatch(/^v1\.k2025\./);
    expect(sealed).not.toContain('tiihtNczf5v6AKRyjwEUhQ');
    expect(cipher.seal('tiihtNczf5v6AKRyjwEUhQ==', 'row:1')).not.toBe(sealed);
    expect(cipher.open(sealed, 'row:1')).toBe('tiihtNczf5v6AKRyjwEUhQ==');
    expect(cipher.open(sealed, 'row:2')).toBeUndefined();
  });

  it('refuses an altered value', () => {
    const cipher = new DataCipher(loadAppConfig({}));
    const parts = cipher.seal('secret', 'c').split('.');
    const flipped = Buffer.from(parts[4], 'base64url');
    flipped[0] ^= 1;
    parts[4] = flipped.toString('base64url');
    expect(cipher.open(parts.join('.'), 'c')).toBeUndefined();
    expect(cipher.open('garbage', 'c')).toBeUndefined();
  });

  it('rotates: values sealed with a previous key still open while it is listed, and no longer once it is dropped', () => {
    const [oldKey, newKey] = [key(), key()];
    const before = new DataCipher(loadAppConfig({ DATA_ENCRYPTION_KEY: oldKey, DATA_ENCRYPTION_KEY_ID: 'old' }));
    const sealed = before.seal('token', 'c');
    const rotated = new DataCipher(loadAppConfig({ DATA_ENCRYPTION_KEY: newKey, DATA_ENCRYPTION_KEY_ID: 'new', DATA_ENCRYPTION_PREVIOUS_KEYS: `old:${oldKey}` }));
    expect(rotated.open(sealed, 'c')).toBe('token');
    expect(rotated.seal('token', 'c')).toMatch(/^v1\.new\./);
    const dropped = new DataCipher(loadAppConfig({ DATA_ENCRYPTION_KEY: newKey, DATA_ENCRYPTION_KEY_ID: 'new' }));
    expect(dropped.open(sealed, 'c')).toBeUndefined();
  });

  it('uses a development key outside production only, and refuses a key that is not 32 bytes', () => {
    expect(loadAppConfig({}).dataEncryption).toMatchObject({ defaulted: true, current: { kid: 'dev' } });
    expect(() => loadAppConfig({ DATA_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/DATA_ENCRYPTION_KEY: must be 32 random bytes/);
    expect(() => loadAppConfig({ DATA_ENCRYPTION_PREVIOUS_KEYS: 'old:short' })).toThrow(ConfigError);
  });
});

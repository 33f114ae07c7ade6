import { RevocationList } from '../../src/wechat-auth/tokens/revocation/revocation-list';
import { loadAppConfig } from '../../src/app/config/app-config';
import { parseRevocationEvent } from '../../src/wechat-auth/tokens/revocation/revocation-events';

describe('RevocationList: disabled users', () => {
  const config = loadAppConfig({ NODE_ENV: 'test', ACCESS_TOKEN_TTL: '900' });
  const windowMs = (900 + 60) * 1000;
  let list: RevocationList;

  beforeEach(() => (list = new RevocationList(config)));
  afterEach(() => list.onModuleDestroy());

  it('refuses a disabled user until an enable arrives', () => {
    const now = Date.now();
    list.add({ userId: 'u1', disabled: true, changedAt: now });
    expect(list.isUserDisabled('u1')).toBe(true);
    expect(list.isUserDisabled('u2')).toBe(false);
    list.add({ userId: 'u1', disabled: false, changedAt: now + 1 });
    expect(list.isUserDisabled('u1')).toBe(false);
  });

  it('lets the later change win, whatever order the changes are heard in (a reload after a reconnect)', () => {
    const now = Date.now();
    list.add({ userId: 'u1', disabled: false, changedAt: now });
    list.add({ userId: 'u1', disabled: true, changedAt: now - 1000 });
    expect(list.isUserDisabled('u1')).toBe(false);

    list.add({ userId: 'u2', disabled: true, changedAt: now });
    list.add({ userId: 'u2', disabled: false, changedAt: now - 1000 });
    expect(list.isUserDisabled('u2')).toBe(true);
  });

  it('forgets a disable once every token issued before it has expired', () => {
    const now = Date.now();
    list.add({ userId: 'old', disabled: true, changedAt: now - windowMs - 1 });
    expect(list.isUserDisabled('old')).toBe(false);
    list.add({ userId: 'u1', disabled: true, changedAt: now });
    list.prune(now + windowMs - 1);
    expect(list.isUserDisabled('u1')).toBe(true);
    list.prune(now + windowMs);
    expect(list.isUserDisabled('u1')).toBe(false);
    expect(list.size).toBe(0);
  });

  it('reads both kinds of NOTIFY payload and ignores anything else', () => {
    expect(parseRevocationEvent('{"sessionId":"s","until":5}')).toEqual({ sessionId: 's', until: 5 });
    expect(parseRevocationEvent('{"userId":"u","disabled":true,"changedAt":5,"extra":1}')).toEqual({ userId: 'u', disabled: true, changedAt: 5 });
    for (const payload of ['', 'nope', '{"userId":"u","disabled":"yes","changedAt":5}', '{"sessionId":1,"until":5}', 'null']) {
      expect(parseRevocationEvent(payload)).toBeUndefined();
    }
  });
});

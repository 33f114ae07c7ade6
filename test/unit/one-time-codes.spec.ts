import { OneTimeCodes } from '../../src/sandbox/one-time-codes';

describe("the sandbox's one-time codes", () => {
  const LIFETIME_MS = 5 * 60 * 1000;
  let now: number;
  let codes: OneTimeCodes<{ user: string }>;

  beforeEach(() => {
    now = 1_700_000_000_000;
    codes = new OneTimeCodes(() => now, LIFETIME_MS);
  });

  it("works once for its own app, then answers WeChat's 40163; another app's or an unknown code gets 40029", () => {
    codes.issue('c1', 'wx-a', { user: 'alice' });
    expect(codes.spend('wx-b', 'c1')).toEqual({ errcode: 40029 });
    expect(codes.spend('wx-a', 'c1')).toMatchObject({ user: 'alice', appid: 'wx-a' });
    expect(codes.spend('wx-a', 'c1')).toEqual({ errcode: 40163 });
    expect(codes.spend('wx-a', 'never-issued')).toEqual({ errcode: 40029 });
  });

  it('refuses a code after its lifetime with 40029, even one that was spent', () => {
    codes.issue('spent', 'wx-a', { user: 'alice' });
    codes.issue('unspent', 'wx-a', { user: 'bob' });
    codes.spend('wx-a', 'spent');
    now += LIFETIME_MS;
    expect(codes.spend('wx-a', 'spent')).toEqual({ errcode: 40163 });
    now += 1;
    expect(codes.spend('wx-a', 'spent')).toEqual({ errcode: 40029 });
    expect(codes.spend('wx-a', 'unspent')).toEqual({ errcode: 40029 });
  });

  it('forgets expired codes as new ones are issued, so a long-running sandbox does not keep every code', () => {
    for (let n = 0; n < 1000; n++) codes.issue(`old-${n}`, 'wx-a', { user: `user-${n}` });
    now += LIFETIME_MS / 2;
    codes.issue('recent', 'wx-a', { user: 'carol' });
    now += LIFETIME_MS / 2 + 1;
    codes.issue('new', 'wx-a', { user: 'dave' });
    expect(codes.size).toBe(2);
    expect(codes.spend('wx-a', 'recent')).toMatchObject({ user: 'carol' });
    expect(codes.spend('wx-a', 'new')).toMatchObject({ user: 'dave' });
  });
});

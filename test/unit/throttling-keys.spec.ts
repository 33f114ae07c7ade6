import { addressKey } from '../../src/wechat-auth/throttling/throttling-keys';

describe('the address a client is counted as', () => {
  it('is an IPv4 address itself, also when it arrives IPv4-mapped', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('203.0.113.8')).not.toBe(addressKey('203.0.113.7'));
  });

  it("is an IPv6 address's /64: every address a subscriber can pick from its prefix counts as one", () => {
    const one = addressKey('2001:db8:1234:5678::1');
    expect(one).toBe('2001:db8:1234:5678::/64');
    for (const sibling of ['2001:db8:1234:5678:ffff:ffff:ffff:ffff', '2001:0db8:1234:5678:abcd::42', '2001:DB8:1234:5678:0:0:0:2']) {
      expect(addressKey(sibling)).toBe(one);
    }
  });

  it('tells neighbouring /64s apart, and ignores a link-local zone', () => {
    expect(addressKey('2001:db8:1234:5679::1')).not.toBe(addressKey('2001:db8:1234:5678::1'));
    expect(addressKey('fe80::1%eth0')).toBe(addressKey('fe80::2'));
  });
});

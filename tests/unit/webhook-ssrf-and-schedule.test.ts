import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { classify, MAX_ATTEMPTS, nextDelaySeconds, RETRY_DELAYS_SECONDS } from '../../shared/webhooks/schedule.js';
import { sendWebhook } from '../../shared/webhooks/sender.js';
import { filterMatches } from '../../shared/webhooks/service.js';
import { addressBlocks, checkUrlShape, isForbiddenAddress } from '../../shared/webhooks/ssrf.js';
import { startReceiver } from '../helpers/receiver.js';

const aws = { allowLoopbackHttp: false };
const local = { allowLoopbackHttp: true };

describe('SSRF guard', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1'])(
    'refuses %s in AWS',
    (address) => expect(isForbiddenAddress(address, aws)).toBe(true),
  );

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '172.32.0.1'])('allows the public address %s', (address) => {
    expect(isForbiddenAddress(address, aws)).toBe(false);
  });

  it('allows plain http to loopback locally only', () => {
    expect(checkUrlShape('http://127.0.0.1:8080/hooks', local).hostname).toBe('127.0.0.1');
    expect(checkUrlShape('http://localhost:8080/hooks', local).hostname).toBe('localhost');
    expect(() => checkUrlShape('http://127.0.0.1:8080/hooks', aws)).toThrow(AppError);
    expect(() => checkUrlShape('https://127.0.0.1/hooks', aws)).toThrow(AppError);
    expect(() => checkUrlShape('https://[::ffff:7f00:1]/hooks', aws)).toThrow(AppError);
    expect(() => checkUrlShape('http://example.org/hooks', aws)).toThrow(/https/);
    expect(() => checkUrlShape('http://10.0.0.1/hooks', local)).toThrow(AppError);
    expect(checkUrlShape('https://shop.example.org/hooks', aws).protocol).toBe('https:');
  });

  it('refuses at send time a name that resolves to a private address (DNS rebinding)', async () => {
    const receiver = await startReceiver();
    try {
      const url = receiver.url.replace('127.0.0.1', 'localhost');
      const result = await sendWebhook({ url, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', messageId: 'msg_1', body: '{}' }, aws);
      expect(result.statusCode).toBeNull();
      expect(result.error).toMatch(/forbidden address/);
      expect(receiver.received).toHaveLength(0);
      const allowed = await sendWebhook({ url, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', messageId: 'msg_1', body: '{}' }, local);
      expect(allowed.statusCode).toBe(200);
    } finally {
      await receiver.close();
    }
  });
});

const R = 'refused';
const A = 'allowed';
type Verdict = typeof R | typeof A;

/**
 * Per registry row (keyed as written in the registry), addresses inside it and on each side of
 * its boundaries, with the verdict read off the IANA registries by hand (not from ssrf.ts).
 */
const registryCases: Record<string, Array<[string, Verdict]>> = {
  '0.0.0.0/8': [['0.0.0.0', R], ['0.255.255.255', R], ['1.0.0.0', A]],
  '0.0.0.0/32': [['0.0.0.0', R], ['0.0.0.1', R]],
  '10.0.0.0/8': [['9.255.255.255', A], ['10.0.0.0', R], ['10.255.255.255', R], ['11.0.0.0', A]],
  '100.64.0.0/10': [['100.63.255.255', A], ['100.64.0.0', R], ['100.127.255.255', R], ['100.128.0.0', A]],
  '127.0.0.0/8': [['126.255.255.255', A], ['127.0.0.0', R], ['127.255.255.255', R], ['128.0.0.0', A]],
  '169.254.0.0/16': [['169.253.255.255', A], ['169.254.0.0', R], ['169.254.169.254', R], ['169.254.255.255', R], ['169.255.0.0', A]],
  '172.16.0.0/12': [['172.15.255.255', A], ['172.16.0.0', R], ['172.31.255.255', R], ['172.32.0.0', A]],
  '192.0.0.0/24': [['191.255.255.255', A], ['192.0.0.0', R], ['192.0.0.100', R], ['192.0.0.255', R], ['192.0.1.0', A]],
  '192.0.0.0/29': [['192.0.0.1', R], ['192.0.0.7', R]],
  '192.0.0.8/32': [['192.0.0.8', R]],
  // Globally reachable anycast inside 192.0.0.0/24: the more specific row decides.
  '192.0.0.9/32': [['192.0.0.9', A]],
  '192.0.0.10/32': [['192.0.0.10', A], ['192.0.0.11', R]],
  '192.0.0.170/32': [['192.0.0.169', R], ['192.0.0.170', R]],
  '192.0.0.171/32': [['192.0.0.171', R], ['192.0.0.172', R]],
  '192.0.2.0/24': [['192.0.1.255', A], ['192.0.2.0', R], ['192.0.2.255', R], ['192.0.3.0', A]],
  '192.31.196.0/24': [['192.31.196.0', A], ['192.31.196.255', A]],
  '192.52.193.0/24': [['192.52.193.1', A]],
  '192.88.99.0/24': [['192.88.98.255', A], ['192.88.99.0', R], ['192.88.99.255', R], ['192.88.100.0', A]],
  '192.88.99.2/32': [['192.88.99.2', R]],
  '192.168.0.0/16': [['192.167.255.255', A], ['192.168.0.0', R], ['192.168.255.255', R], ['192.169.0.0', A]],
  '192.175.48.0/24': [['192.175.48.1', A]],
  '198.18.0.0/15': [['198.17.255.255', A], ['198.18.0.0', R], ['198.19.255.255', R], ['198.20.0.0', A]],
  '198.51.100.0/24': [['198.51.99.255', A], ['198.51.100.0', R], ['198.51.100.255', R], ['198.51.101.0', A]],
  '203.0.113.0/24': [['203.0.112.255', A], ['203.0.113.0', R], ['203.0.113.255', R], ['203.0.114.0', A]],
  '224.0.0.0/4': [['223.255.255.255', A], ['224.0.0.0', R], ['239.255.255.255', R]],
  '240.0.0.0/4': [['240.0.0.0', R], ['255.255.255.254', R]],
  '255.255.255.255/32': [['255.255.255.255', R]],

  '::/0': [['1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', R], ['4000::', R], ['::2', R], ['::1:0:0', R]],
  '::/128': [['::', R]],
  '::1/128': [['::1', R], ['0:0:0:0:0:0:0:1', R]],
  // IPv4-compatible: refused whatever it carries, a public address included.
  '::/96': [['::7f00:1', R], ['::5db8:d822', R], ['::8.8.8.8', R]],
  // IPv4-mapped: the IPv4 address decides, in either spelling.
  '::ffff:0:0/96': [['::ffff:127.0.0.1', R], ['::ffff:7f00:1', R], ['::ffff:10.0.0.1', R], ['::ffff:a9fe:a9fe', R], ['::ffff:93.184.216.34', A], ['::ffff:808:808', A], ['::fffe:ffff:ffff', R], ['::1:0:0:0', R]],
  // NAT64 well-known prefix: the IPv4 address decides.
  '64:ff9b::/96': [['64:ff9b::7f00:1', R], ['64:ff9b::127.0.0.1', R], ['64:ff9b::a00:1', R], ['64:ff9b::a9fe:a9fe', R], ['64:ff9b::5db8:d822', A], ['64:ff9b::8.8.8.8', A], ['64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff', R], ['64:ff9b::1:0:0', R]],
  '64:ff9b:1::/48': [['64:ff9b:1::808:808', R], ['64:ff9b:1::7f00:1', R], ['64:ff9b:1:ffff:ffff:ffff:ffff:ffff', R]],
  '100::/64': [['100::', R], ['100::ffff:ffff:ffff:ffff', R]],
  '100:0:0:1::/64': [['100:0:0:1::1', R]],
  '2000::/3': [['2000::', A], ['3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff', A], ['2606:2800:220:1:248:1893:25c8:1946', A], ['2a00:1450:4007:80e::200e', A]],
  '2001::/23': [['2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff', A], ['2001:5::1', R], ['2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff', R], ['2001:200::', A]],
  '2001::/32': [['2001::', R], ['2001:0:4136:e378:8000:63bf:3fff:fdd2', R], ['2001:0:ffff:ffff:ffff:ffff:ffff:ffff', R]],
  '2001:1::1/128': [['2001:1::', R], ['2001:1::1', A]],
  '2001:1::2/128': [['2001:1::2', A]],
  '2001:1::3/128': [['2001:1::3', A], ['2001:1::4', R]],
  '2001:2::/48': [['2001:2::', R], ['2001:2:0:ffff:ffff:ffff:ffff:ffff', R]],
  '2001:3::/32': [['2001:3::1', A], ['2001:3:ffff:ffff:ffff:ffff:ffff:ffff', A], ['2001:4::', R]],
  '2001:4:112::/48': [['2001:4:111:ffff:ffff:ffff:ffff:ffff', R], ['2001:4:112::1', A], ['2001:4:113::', R]],
  '2001:10::/28': [['2001:10::', R], ['2001:1f:ffff:ffff:ffff:ffff:ffff:ffff', R]],
  '2001:20::/28': [['2001:20::', A], ['2001:2f:ffff:ffff:ffff:ffff:ffff:ffff', A]],
  '2001:30::/28': [['2001:30::1', A], ['2001:3f:ffff:ffff:ffff:ffff:ffff:ffff', A], ['2001:40::', R]],
  '2001:db8::/32': [['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', A], ['2001:db8::', R], ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', R], ['2001:db9::', A]],
  // 6to4: refused whatever it carries, a public address included.
  '2002::/16': [['2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff', A], ['2002:7f00:1::', R], ['2002:5db8:d822::1', R], ['2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff', R], ['2003::', A]],
  '2620:4f:8000::/48': [['2620:4f:8000::1', A]],
  '3fff::/20': [['3fff::', R], ['3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff', R], ['3fff:1000::', A]],
  '5f00::/16': [['5f00::1', R]],
  'fc00::/7': [['fc00::', R], ['fd00::1', R], ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', R]],
  'fe80::/10': [['fe80::1', R], ['fe80::1%eth0', R], ['febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', R]],
  'fec0::/10': [['fec0::1', R], ['feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', R]],
  'ff00::/8': [['ff02::1', R], ['ff0e::1', R], ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', R]],
};

describe('address blocklist (IANA special-purpose registries)', () => {
  it('has a case for every row of its table, and no case for a row it lacks', () => {
    const rows = addressBlocks.map((block) => `${block.network}/${block.prefix}`);
    expect(new Set(rows)).toEqual(new Set(Object.keys(registryCases)));
  });

  describe.each(Object.entries(registryCases))('%s', (_block, cases) => {
    it.each(cases)('%s is %s', (address, verdict) => {
      expect(isForbiddenAddress(address, aws)).toBe(verdict === R);
    });
  });

  it('lets loopback through locally only, and only loopback', () => {
    for (const address of ['127.0.0.1', '127.255.255.254', '::1', '::ffff:127.0.0.1']) {
      expect(isForbiddenAddress(address, local)).toBe(false);
      expect(isForbiddenAddress(address, aws)).toBe(true);
    }
    // NAT64 to 127.0.0.1 is a gateway's loopback, not the developer's machine.
    for (const address of ['64:ff9b::7f00:1', '0.0.0.0', '::', '10.0.0.1', '::7f00:1']) expect(isForbiddenAddress(address, local)).toBe(true);
  });

  it('refuses what is not an IP address', () => {
    for (const text of ['', 'localhost', '1.2.3', '256.0.0.1', '::g']) expect(isForbiddenAddress(text, aws)).toBe(true);
  });
});

/** The test's own arithmetic over addresses, so that it does not borrow ssrf.ts's. */
const ipv4Text = (value: bigint) => [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
const ipv6Text = (value: bigint) => Array.from({ length: 8 }, (_, index) => ((value >> BigInt(112 - 16 * index)) & 0xffffn).toString(16)).join(':');
const parseV4 = (text: string) => text.split('.').reduce((total, octet) => total * 256n + BigInt(octet), 0n);
function parseV6(text: string): bigint {
  const [head = '', tail = ''] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((total, group) => total * 65536n + BigInt(`0x${group}`), 0n);
}
interface Range {
  family: 4 | 6;
  low: bigint;
  high: bigint;
}
function range(cidr: string): Range {
  const [network = '', bits = ''] = cidr.split('/');
  const family = network.includes(':') ? 6 : 4;
  const width = family === 4 ? 32n : 128n;
  const size = 1n << (width - BigInt(bits));
  const low = ((family === 4 ? parseV4(network) : parseV6(network)) / size) * size;
  return { family, low, high: low + size - 1n };
}
const within = (value: bigint, ranges: readonly Range[]) => ranges.some((entry) => value >= entry.low && value <= entry.high);
const addressText = (family: 4 | 6, value: bigint) => (family === 4 ? ipv4Text(value) : ipv6Text(value));
const inside = (entry: Range, except: readonly Range[] = []) =>
  fc.bigInt({ min: entry.low, max: entry.high }).filter((value) => !within(value, except)).map((value) => addressText(entry.family, value));

/** Every range whose addresses are all refused (read off the registries: not "Globally Reachable = True"). */
const refusedV4 = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/29', '192.0.0.170/31', '192.0.2.0/24', '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4'].map(range);
const refusedV6 = ['::/96', '64:ff9b:1::/48', '100::/64', '100:0:0:1::/64', '2001::/32', '2001:2::/48', '2001:10::/28', '2001:db8::/32', '2002::/16', '3fff::/20', '5f00::/16', 'fc00::/7', 'fe80::/10', 'fec0::/10', 'ff00::/8'].map(range);
/** Globally reachable rows nested in refused ones. */
const reachableV4 = ['192.0.0.9/32', '192.0.0.10/32'].map(range);
const reachableV6 = ['2001:1::1/128', '2001:1::2/127', '2001:3::/32', '2001:4:112::/48', '2001:20::/28', '2001:30::/28'].map(range);
const embedding = ['::ffff:0:0/96', '64:ff9b::/96'].map(range);
const globalUnicast = range('2000::/3');
const anyIpv4 = fc.bigInt({ min: 0n, max: 0xffff_ffffn });
const publicIpv4 = anyIpv4.filter((value) => !within(value, [...refusedV4, range('192.0.0.0/24')]));

describe('address blocklist, by property', () => {
  it('refuses any address inside a refused range', () => {
    const refused = fc.oneof(
      ...refusedV4.map((entry) => inside(entry)),
      ...refusedV6.map((entry) => inside(entry)),
      inside(range('192.0.0.0/24'), reachableV4),
      inside(range('2001::/23'), reachableV6),
      // Outside 2000::/3, but not a form that carries an IPv4 address (those are decided below).
      fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).filter((value) => !within(value, [globalUnicast, ...embedding])).map(ipv6Text),
      // IPv4-mapped and NAT64 forms of a refused IPv4 address.
      fc.tuple(fc.constantFrom(...embedding), fc.oneof(...refusedV4.map((entry) => fc.bigInt({ min: entry.low, max: entry.high })))).map(([prefix, v4]) => ipv6Text(prefix.low + v4)),
    );
    fc.assert(fc.property(refused, (address) => isForbiddenAddress(address, aws)), { numRuns: 2000 });
  });

  it('allows public addresses, IPv4, IPv6, and IPv4 reached through IPv4-mapped or NAT64 forms', () => {
    const publicV6 = inside(globalUnicast, [...refusedV6, range('2001::/23')]);
    const viaEmbedding = fc.tuple(fc.constantFrom(...embedding), publicIpv4).map(([prefix, v4]) => ipv6Text(prefix.low + v4));
    const allowed = fc.oneof(publicIpv4.map(ipv4Text), publicV6, viaEmbedding);
    fc.assert(fc.property(allowed, (address) => !isForbiddenAddress(address, aws)), { numRuns: 2000 });
    expect(isForbiddenAddress('93.184.216.34', aws)).toBe(false);
    expect(isForbiddenAddress('2606:2800:220:1:248:1893:25c8:1946', aws)).toBe(false);
  });
});

describe('send-time check of IP literals', () => {
  it('never connects to a forbidden IP literal, however the URL spells it', async () => {
    const receiver = await startReceiver();
    const { port } = new URL(receiver.url);
    const send = (host: string, policy: typeof aws) => sendWebhook({ url: `http://${host}:${port}/hooks`, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', messageId: 'msg_1', body: '{}' }, policy);
    try {
      // All of these reach the receiver on 127.0.0.1 once connected; none may connect in AWS.
      for (const host of ['127.0.0.1', '2130706433', '0x7f.1', '017700000001', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '0.0.0.0', '0', '[64:ff9b::7f00:1]']) {
        const result = await send(host, aws);
        expect(result, host).toMatchObject({ statusCode: null, error: expect.stringMatching(/forbidden address/) });
      }
      expect(receiver.received).toHaveLength(0);
      // 0.0.0.0 reaches this machine too, but is no loopback address: refused locally as well.
      expect((await send('0.0.0.0', local)).error).toMatch(/forbidden address/);
      expect(receiver.received).toHaveLength(0);
      expect((await send('2130706433', local)).statusCode).toBe(200);
      expect((await send('[::ffff:127.0.0.1]', local)).statusCode).toBe(200);
    } finally {
      await receiver.close();
    }
  });
});

describe('retry schedule', () => {
  it('spreads attempts over more than 24 hours, then stops', () => {
    const total = RETRY_DELAYS_SECONDS.reduce((sum, delay) => sum + delay, 0);
    expect(total * 0.9).toBeGreaterThan(24 * 3600);
    expect(nextDelaySeconds(MAX_ATTEMPTS, null)).toBeNull();
  });

  it('grows exponentially with jitter of −10 % to +20 %', () => {
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt += 1) {
      const base = RETRY_DELAYS_SECONDS[attempt - 1] as number;
      expect(nextDelaySeconds(attempt, null, () => 0)).toBe(Math.round(base * 0.9));
      expect(nextDelaySeconds(attempt, null, () => 1)).toBe(Math.round(base * 1.2));
    }
  });

  it('waits at least as long as Retry-After asks, within a day', () => {
    expect(nextDelaySeconds(1, 600, () => 0.5)).toBe(600);
    expect(nextDelaySeconds(3, null, () => 0.5)).toBe(Math.round(30 * 60 * 1.05));
    expect(nextDelaySeconds(1, 10 * 86_400, () => 0.5)).toBe(86_400);
    expect(nextDelaySeconds(3, 1, () => 0.5)).toBe(Math.round(30 * 60 * 1.05));
  });

  it('classifies answers', () => {
    expect(classify(204)).toBe('success');
    expect(classify(410)).toBe('gone');
    expect(classify(500)).toBe('retryable');
    expect(classify(429)).toBe('retryable');
    expect(classify(301)).toBe('retryable');
    expect(classify(null)).toBe('retryable');
  });
});

describe('event filters', () => {
  it('match exact types and wildcards of one family', () => {
    expect(filterMatches(['delivery.*'], 'delivery.booked')).toBe(true);
    expect(filterMatches(['delivery.delivered'], 'delivery.booked')).toBe(false);
    expect(filterMatches(['invoice.*'], 'delivery.booked')).toBe(false);
    expect(filterMatches(['delivery.*'], 'deliveryx.booked')).toBe(false);
  });
});

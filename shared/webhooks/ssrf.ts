import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { webhookUrlErrors } from './errors.js';


/**
 * One row of IANA's special-purpose address registries (RFC 6890, updated by RFC 8190, which
 * named the column "Globally Reachable"): the block, the registry's name for it and its
 * "Globally Reachable" cell. `terminated` is the blank cell of a terminated allocation.
 */
export interface AddressBlock {
  network: string;
  prefix: number;
  name: string;
  globallyReachable: 'True' | 'False' | 'N/A' | 'terminated';
  /** The row comes from the IPv4/IPv6 Address Space registry, not the special-purpose one; its cell is ours. */
  registry?: 'address-space';
  /** The last 32 bits are an IPv4 address, and that address decides, whatever this row's own cell. */
  embedsIpv4?: true;
}

/*
 * Where a webhook may be sent, from the registries as published with their latest rows: IPv4
 * Special-Purpose Address Registry up to RFC 8880 (2020), IPv6 Special-Purpose Address Registry
 * up to RFC 9780 (100:0:0:1::/64, 2025-04). The rule: an address is judged by the most specific
 * row that contains it (the registry's own reading: 192.0.0.0/24 is "not usable unless by virtue
 * of a more specific reservation"), and anything whose row is not "Globally Reachable = True" is
 * refused: False, N/A (6to4, Teredo: reachability depends on relays nobody vouches for) and
 * terminated rows alike. Multicast and 240.0.0.0/4 are refused too. An IPv6 address outside
 * 2000::/3 is refused unless a row says otherwise: IANA assigns unicast space only from
 * 2000::/3, the rest is reserved, deprecated (::/96 IPv4-compatible, fec0::/10 site-local),
 * link- or site-scoped, or multicast.
 *
 * Forms that carry an IPv4 address: the IPv4-mapped form (::ffff:0:0/96) names an IPv4
 * destination on a dual-stack socket, and NAT64's well-known prefix (64:ff9b::/96, globally
 * reachable) is translated by the gateway to the IPv4 address it carries; for both, the IPv4
 * address decides, so neither ever reaches more than that IPv4 address would. The other forms
 * are refused whatever they carry: IPv4-compatible ::/96 (deprecated), local-use NAT64
 * 64:ff9b:1::/48 (not globally reachable), 6to4 2002::/16 and Teredo 2001::/32 (N/A).
 *
 * Not Node's BlockList: it cannot let a more specific row win, and a ::ffff:0:0/96 rule in it
 * refuses every IPv4 address. To update: re-read both registries and add or change rows here,
 * each with a case in tests/unit/webhook-ssrf-and-schedule.test.ts.
 */
export const addressBlocks: readonly AddressBlock[] = [
  // IPv4 Special-Purpose Address Registry, and multicast.
  { network: '0.0.0.0', prefix: 8, name: '"This network"', globallyReachable: 'False' },
  { network: '0.0.0.0', prefix: 32, name: '"This host on this network"', globallyReachable: 'False' },
  { network: '10.0.0.0', prefix: 8, name: 'Private-Use', globallyReachable: 'False' },
  { network: '100.64.0.0', prefix: 10, name: 'Shared Address Space', globallyReachable: 'False' },
  { network: '127.0.0.0', prefix: 8, name: 'Loopback', globallyReachable: 'False' },
  { network: '169.254.0.0', prefix: 16, name: 'Link Local', globallyReachable: 'False' },
  { network: '172.16.0.0', prefix: 12, name: 'Private-Use', globallyReachable: 'False' },
  { network: '192.0.0.0', prefix: 24, name: 'IETF Protocol Assignments', globallyReachable: 'False' },
  { network: '192.0.0.0', prefix: 29, name: 'IPv4 Service Continuity Prefix', globallyReachable: 'False' },
  { network: '192.0.0.8', prefix: 32, name: 'IPv4 dummy address', globallyReachable: 'False' },
  { network: '192.0.0.9', prefix: 32, name: 'Port Control Protocol Anycast', globallyReachable: 'True' },
  { network: '192.0.0.10', prefix: 32, name: 'Traversal Using Relays around NAT Anycast', globallyReachable: 'True' },
  { network: '192.0.0.170', prefix: 32, name: 'NAT64/DNS64 Discovery', globallyReachable: 'False' },
  { network: '192.0.0.171', prefix: 32, name: 'NAT64/DNS64 Discovery', globallyReachable: 'False' },
  { network: '192.0.2.0', prefix: 24, name: 'Documentation (TEST-NET-1)', globallyReachable: 'False' },
  { network: '192.31.196.0', prefix: 24, name: 'AS112-v4', globallyReachable: 'True' },
  { network: '192.52.193.0', prefix: 24, name: 'AMT', globallyReachable: 'True' },
  { network: '192.88.99.0', prefix: 24, name: 'Deprecated (6to4 Relay Anycast)', globallyReachable: 'terminated' },
  { network: '192.88.99.2', prefix: 32, name: '6a44-relay anycast address', globallyReachable: 'False' },
  { network: '192.168.0.0', prefix: 16, name: 'Private-Use', globallyReachable: 'False' },
  { network: '192.175.48.0', prefix: 24, name: 'Direct Delegation AS112 Service', globallyReachable: 'True' },
  { network: '198.18.0.0', prefix: 15, name: 'Benchmarking', globallyReachable: 'False' },
  { network: '198.51.100.0', prefix: 24, name: 'Documentation (TEST-NET-2)', globallyReachable: 'False' },
  { network: '203.0.113.0', prefix: 24, name: 'Documentation (TEST-NET-3)', globallyReachable: 'False' },
  { network: '224.0.0.0', prefix: 4, name: 'Multicast', globallyReachable: 'False', registry: 'address-space' },
  { network: '240.0.0.0', prefix: 4, name: 'Reserved', globallyReachable: 'False' },
  { network: '255.255.255.255', prefix: 32, name: 'Limited Broadcast', globallyReachable: 'False' },
  // IPv6 Special-Purpose Address Registry, and the IPv6 Address Space rows around it.
  { network: '::', prefix: 0, name: 'Outside Global Unicast (reserved by IETF, scoped or multicast)', globallyReachable: 'False', registry: 'address-space' },
  { network: '::', prefix: 128, name: 'Unspecified Address', globallyReachable: 'False' },
  { network: '::1', prefix: 128, name: 'Loopback Address', globallyReachable: 'False' },
  { network: '::', prefix: 96, name: 'IPv4-compatible (deprecated)', globallyReachable: 'False', registry: 'address-space' },
  { network: '::ffff:0:0', prefix: 96, name: 'IPv4-mapped Address', globallyReachable: 'False', embedsIpv4: true },
  { network: '64:ff9b::', prefix: 96, name: 'IPv4-IPv6 Translat.', globallyReachable: 'True', embedsIpv4: true },
  { network: '64:ff9b:1::', prefix: 48, name: 'IPv4-IPv6 Translat.', globallyReachable: 'False' },
  { network: '100::', prefix: 64, name: 'Discard-Only Address Block', globallyReachable: 'False' },
  { network: '100:0:0:1::', prefix: 64, name: 'Dummy IPv6 Prefix', globallyReachable: 'False' },
  { network: '2000::', prefix: 3, name: 'Global Unicast', globallyReachable: 'True', registry: 'address-space' },
  { network: '2001::', prefix: 23, name: 'IETF Protocol Assignments', globallyReachable: 'False' },
  { network: '2001::', prefix: 32, name: 'TEREDO', globallyReachable: 'N/A' },
  { network: '2001:1::1', prefix: 128, name: 'Port Control Protocol Anycast', globallyReachable: 'True' },
  { network: '2001:1::2', prefix: 128, name: 'Traversal Using Relays around NAT Anycast', globallyReachable: 'True' },
  { network: '2001:1::3', prefix: 128, name: 'DNS-SD Service Registration Protocol Anycast', globallyReachable: 'True' },
  { network: '2001:2::', prefix: 48, name: 'Benchmarking', globallyReachable: 'False' },
  { network: '2001:3::', prefix: 32, name: 'AMT', globallyReachable: 'True' },
  { network: '2001:4:112::', prefix: 48, name: 'AS112-v6', globallyReachable: 'True' },
  { network: '2001:10::', prefix: 28, name: 'Deprecated (previously ORCHID)', globallyReachable: 'terminated' },
  { network: '2001:20::', prefix: 28, name: 'ORCHIDv2', globallyReachable: 'True' },
  { network: '2001:30::', prefix: 28, name: 'Drone Remote ID Protocol Entity Tags (DETs) Prefix', globallyReachable: 'True' },
  { network: '2001:db8::', prefix: 32, name: 'Documentation', globallyReachable: 'False' },
  { network: '2002::', prefix: 16, name: '6to4', globallyReachable: 'N/A' },
  { network: '2620:4f:8000::', prefix: 48, name: 'Direct Delegation AS112 Service', globallyReachable: 'True' },
  { network: '3fff::', prefix: 20, name: 'Documentation', globallyReachable: 'False' },
  { network: '5f00::', prefix: 16, name: 'Segment Routing (SRv6) SIDs', globallyReachable: 'False' },
  { network: 'fc00::', prefix: 7, name: 'Unique-Local', globallyReachable: 'False' },
  { network: 'fe80::', prefix: 10, name: 'Link-Local Unicast', globallyReachable: 'False' },
  { network: 'fec0::', prefix: 10, name: 'Site-Local (deprecated)', globallyReachable: 'False', registry: 'address-space' },
  { network: 'ff00::', prefix: 8, name: 'Multicast', globallyReachable: 'False', registry: 'address-space' },
];

interface Ip {
  family: 4 | 6;
  value: bigint;
}

const WIDTH = { 4: 32n, 6: 128n } as const;

function ipv4Value(text: string): bigint {
  return text.split('.').reduce((total, octet) => (total << 8n) | BigInt(Number(octet)), 0n);
}

function ipv6Value(text: string): bigint {
  // A zone index (fe80::1%eth0) names an interface, not another address.
  const address = text.split('%')[0] ?? text;
  const groups = (part: string): bigint[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [BigInt(parseInt(group, 16))];
          const v4 = ipv4Value(group);
          return [v4 >> 16n, v4 & 0xffffn];
        });
  const [head = '', tail] = address.split('::');
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...new Array<bigint>(8 - left.length - right.length).fill(0n), ...right];
  return all.reduce((total, group) => (total << 16n) | group, 0n);
}

/** The address as a number, or undefined when the text is not an IP address. */
function parseIp(text: string): Ip | undefined {
  const family = isIP(text);
  if (family === 4) return { family, value: ipv4Value(text) };
  if (family === 6) return { family, value: ipv6Value(text) };
  return undefined;
}

interface CompiledBlock extends AddressBlock {
  family: 4 | 6;
  base: bigint;
}

function contains(block: CompiledBlock, ip: Ip): boolean {
  const hostBits = WIDTH[ip.family] - BigInt(block.prefix);
  return block.family === ip.family && ip.value >> hostBits === block.base >> hostBits;
}

const compiled: readonly CompiledBlock[] = addressBlocks.map((block) => {
  const { family, value } = parseIp(block.network) as Ip;
  return { ...block, family, base: value };
});

/** The most specific row containing the address (the registry's reading of nested rows). */
function rowFor(ip: Ip): CompiledBlock | undefined {
  let best: CompiledBlock | undefined;
  for (const block of compiled) if (contains(block, ip) && (best === undefined || block.prefix > best.prefix)) best = block;
  return best;
}

const lowIpv4 = (ip: Ip): Ip => ({ family: 4, value: ip.value & 0xffff_ffffn });

function isGloballyReachable(ip: Ip): boolean {
  const row = rowFor(ip);
  if (row === undefined) return true;
  if (row.embedsIpv4) return isGloballyReachable(lowIpv4(ip));
  return row.globallyReachable === 'True';
}

/** 127.0.0.0/8, ::1, and 127.0.0.0/8 written as IPv4-mapped (which a dual-stack socket reaches as such). */
function isLoopback(ip: Ip): boolean {
  if (ip.family === 4) return ip.value >> 24n === 127n;
  return ip.value === 1n || ip.value >> 24n === 0xffff7fn;
}

export interface UrlPolicy {
  /** Locally, plain http to loopback is allowed so developers can test against their machine. */
  allowLoopbackHttp: boolean;
}

/** Whether a webhook may not reach this address (anything that is not an IP address is refused). */
export function isForbiddenAddress(address: string, policy: UrlPolicy): boolean {
  const ip = parseIp(address);
  if (ip === undefined) return true;
  if (policy.allowLoopbackHttp && isLoopback(ip)) return false;
  return !isGloballyReachable(ip);
}

/**
 * The IP address a URL names directly, brackets removed, or undefined for a host name. The
 * WHATWG parser has already rewritten the odd IPv4 spellings (`2130706433`, `0x7f.1`) as dotted
 * quads, so this sees the address the connection would use.
 */
export function literalAddress(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) === 0 ? undefined : host;
}

/** The static part of the check: scheme, credentials, port, literal addresses. */
export function checkUrlShape(raw: string, policy: UrlPolicy, param = 'url'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw webhookUrlErrors.error('parameter_invalid', `${param} must be an absolute URL.`, { param });
  }
  const literal = literalAddress(url);
  const literalIp = literal === undefined ? undefined : parseIp(literal);
  const isLoopbackHost = url.hostname === 'localhost' || (literalIp !== undefined && isLoopback(literalIp));
  if (url.protocol !== 'https:' && !(policy.allowLoopbackHttp && url.protocol === 'http:' && isLoopbackHost)) {
    throw webhookUrlErrors.error('parameter_invalid', `${param} must use https.`, { param });
  }
  if (url.username || url.password) throw webhookUrlErrors.error('parameter_invalid', `${param} must not carry credentials.`, { param });
  if (literal !== undefined && isForbiddenAddress(literal, policy)) {
    throw webhookUrlErrors.error('parameter_invalid', `${param} points at a private or reserved address.`, { param });
  }
  if (url.hostname === 'localhost' && !policy.allowLoopbackHttp) throw webhookUrlErrors.error('parameter_invalid', `${param} points at a private or reserved address.`, { param });
  return url;
}

export class ForbiddenAddressError extends Error {
  override readonly name = 'ForbiddenAddressError';
}

/**
 * A DNS lookup for the HTTP client that refuses forbidden addresses. The connection uses the
 * very addresses checked here, so a name that resolves to a public address at registration and
 * to a private one at send time (DNS rebinding) is refused at send time.
 */
export function guardedLookup(policy: UrlPolicy) {
  return (hostname: string, options: object, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      const bad = list.find((entry) => isForbiddenAddress(entry.address, policy));
      if (bad || list.length === 0) return callback(new ForbiddenAddressError(`${hostname} resolves to a forbidden address`), []);
      if ((options as { all?: boolean }).all) return callback(null, list);
      const first = list[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

/** Resolves the host now (registration time) and refuses it if any address is forbidden. */
export async function checkResolvedHost(url: URL, policy: UrlPolicy, param = 'url'): Promise<void> {
  if (literalAddress(url) !== undefined) return;
  const lookup = guardedLookup(policy);
  await new Promise<void>((resolve, reject) =>
    lookup(url.hostname, {}, (error) => {
      if (!error) return resolve();
      reject(
        error instanceof ForbiddenAddressError
          ? webhookUrlErrors.error('parameter_invalid', `${param} resolves to a private or reserved address.`, { param })
          : webhookUrlErrors.error('parameter_invalid', `${param}: the host name does not resolve.`, { param }),
      );
    }),
  );
}

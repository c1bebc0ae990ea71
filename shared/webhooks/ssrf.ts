import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { AppError } from '../errors.js';

/**
 * Addresses a webhook may never reach: loopback, private, link-local (cloud metadata at
 * 169.254.169.254), carrier-grade NAT, multicast, reserved, and their IPv6 equivalents
 * (IPv4-mapped IPv6 addresses are checked as the IPv4 address they carry: a `::ffff:0:0/96` rule
 * would make Node's BlockList refuse every IPv4 address).
 */
const forbidden = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  forbidden.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  forbidden.addSubnet(network, prefix, 'ipv6');
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

export interface UrlPolicy {
  /** Locally, plain http to loopback is allowed so developers can test against their machine. */
  allowLoopbackHttp: boolean;
}

function mappedIpv4(address: string): string | undefined {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match?.[1];
}

export function isForbiddenAddress(address: string, policy: UrlPolicy): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  const v4 = mappedIpv4(address);
  if (v4) return isForbiddenAddress(v4, policy);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (policy.allowLoopbackHttp && loopback.check(address, type)) return false;
  return forbidden.check(address, type);
}

/** The static part of the check: scheme, credentials, port, literal addresses. */
export function checkUrlShape(raw: string, policy: UrlPolicy, param = 'url'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('parameter_invalid', `${param} must be an absolute URL.`, { param });
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const isLoopbackHost = host === 'localhost' || (isIP(host) !== 0 && loopback.check(host, isIP(host) === 4 ? 'ipv4' : 'ipv6'));
  if (url.protocol !== 'https:' && !(policy.allowLoopbackHttp && url.protocol === 'http:' && isLoopbackHost)) {
    throw new AppError('parameter_invalid', `${param} must use https.`, { param });
  }
  if (url.username || url.password) throw new AppError('parameter_invalid', `${param} must not carry credentials.`, { param });
  if (isIP(host) !== 0 && isForbiddenAddress(host, policy)) {
    throw new AppError('parameter_invalid', `${param} points at a private or reserved address.`, { param });
  }
  if (host === 'localhost' && !policy.allowLoopbackHttp) throw new AppError('parameter_invalid', `${param} points at a private or reserved address.`, { param });
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
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return;
  const lookup = guardedLookup(policy);
  await new Promise<void>((resolve, reject) =>
    lookup(host, {}, (error) => {
      if (!error) return resolve();
      reject(
        error instanceof ForbiddenAddressError
          ? new AppError('parameter_invalid', `${param} resolves to a private or reserved address.`, { param })
          : new AppError('parameter_invalid', `${param}: the host name does not resolve.`, { param }),
      );
    }),
  );
}

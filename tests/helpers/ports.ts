import { createServer } from 'node:net';

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function tryListen(port: number): Promise<import('node:net').Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/**
 * A port P with P+1 … P+count-1 free too (the runtime's defaults use PORT+1 and PORT+2): all
 * are held at once while checking, then released.
 */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = await freePort();
    if (base + count > 65535) continue;
    const held = await Promise.all(Array.from({ length: count }, (_, index) => tryListen(base + index)));
    await Promise.all(held.map((server) => (server ? new Promise<void>((done) => server.close(() => done())) : undefined)));
    if (held.every(Boolean)) return base;
  }
  throw new Error(`no range of ${count} free ports found`);
}

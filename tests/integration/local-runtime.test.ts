import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, freePortRange } from '../helpers/ports.js';
import { sampleTenant } from '../helpers/runtime.js';
import { noSellerEnvironment, validSellerEnvironment } from '../fixtures/seller.js';

/**
 * `npm start` as a developer runs it: a separate process, real ports, a data folder. Checks the
 * start, the printed endpoints and key, a clean stop (Java included) and a restart that keeps data.
 */
const children = new Set<ChildProcess>();
const dataDir = mkdtempSync(join(tmpdir(), 'hub-data-'));

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  output: () => string;
  startedInMs: number;
}

async function start(port: number, env: Record<string, string> = {}): Promise<Started> {
  const began = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    // The seller's identity unset unless given, whatever the developer's shell has.
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'WARN', HUB_ADMIN_API_KEY: '', ...noSellerEnvironment, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() - began > 30_000) throw new Error(`no /health within 30 s:\n${output}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      if (response.status === 200 && output.includes('Ctrl+C stops everything.')) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { child, output: () => output, startedInMs: Date.now() - began };
}

async function stop(started: Started, signal: NodeJS.Signals): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', (code) => resolve(code)));
  started.child.kill(signal);
  const code = await exited;
  children.delete(started.child);
  return code;
}

function javaListeningOn(port: number): boolean {
  try {
    return execFileSync('pgrep', ['-f', `DynamoDBLocal.jar.*-port ${port}`]).toString().trim() !== '';
  } catch {
    return false;
  }
}

describe('npm start', () => {
  it('serves /health within 30 s, stops cleanly on SIGTERM and SIGINT, and keeps every record across a restart', async () => {
    const port = await freePortRange(3);
    const first = await start(port);
    expect(first.startedInMs).toBeLessThan(30_000);
    expect(first.output()).toContain(`http://127.0.0.1:${port}`);
    expect(first.output()).toContain(`http://127.0.0.1:${port + 1}`);
    expect(first.output()).toContain(`http://127.0.0.1:${port + 2}`);
    // The seller's identity is not configured: one warning line, naming the variables to set.
    const sellerWarnings = first.output().split('\n').filter((line) => line.includes('Seller identity not ready for invoices'));
    expect(sellerWarnings).toHaveLength(1);
    expect(sellerWarnings[0]).toMatch(/^Warning: .*SIRET is the built-in placeholder.*Set .*BILLING_SELLER_SIRET.*BILLING_SELLER_IBAN/);
    const adminKey = /(dh_adm_\S+)/.exec(first.output())?.[1];
    expect(adminKey, 'the first start prints an admin key').toBeDefined();

    const auth = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
    const tenant = (await (await fetch(`http://127.0.0.1:${port}/v1/tenants`, { method: 'POST', headers: auth, body: JSON.stringify(sampleTenant({ name: 'Persistent' })) })).json()) as { id: string };
    const issued = (await (await fetch(`http://127.0.0.1:${port}/v1/tenants/${tenant.id}/api-keys`, { method: 'POST', headers: auth, body: '{}' })).json()) as { key: string };
    expect(javaListeningOn(port + 2)).toBe(true);

    expect(await stop(first, 'SIGTERM')).toBe(0);
    expect(first.output()).toContain('Stopped.');
    expect(javaListeningOn(port + 2)).toBe(false);

    const second = await start(port);
    expect(second.output()).not.toMatch(/dh_adm_/);
    expect(second.output().match(/Seller identity not ready for invoices/g)).toHaveLength(1);
    const again = await fetch(`http://127.0.0.1:${port}/v1/tenants/${tenant.id}`, { headers: auth });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { name: string }).name).toBe('Persistent');
    const asTenant = await fetch(`http://127.0.0.1:${port}/v1/tenants/${tenant.id}`, { headers: { authorization: `Bearer ${issued.key}` } });
    expect(asTenant.status).toBe(200);

    expect(await stop(second, 'SIGINT')).toBe(0);
    expect(javaListeningOn(port + 2)).toBe(false);
  }, 120_000);

  it('honours HUB_ADMIN_API_KEY, LOCAL_EVENTS_PORT, LOCAL_DYNAMODB_PORT and BILLING_SELLER_*', async () => {
    const [port, eventsPort, dynamoPort] = [await freePort(), await freePort(), await freePort()];
    const started = await start(port, { HUB_ADMIN_API_KEY: 'my-local-admin-key', LOCAL_EVENTS_PORT: String(eventsPort), LOCAL_DYNAMODB_PORT: String(dynamoPort), ...validSellerEnvironment });
    // A complete seller's identity: no warning.
    expect(started.output()).not.toContain('Seller identity');
    expect(started.output()).toContain(`http://127.0.0.1:${eventsPort}`);
    expect(started.output()).toContain(`http://127.0.0.1:${dynamoPort}`);
    expect(started.output()).toContain('from HUB_ADMIN_API_KEY');
    const listed = await fetch(`http://127.0.0.1:${port}/v1/tenants`, { headers: { authorization: 'Bearer my-local-admin-key' } });
    expect(listed.status).toBe(200);
    expect(await stop(started, 'SIGTERM')).toBe(0);
    expect(javaListeningOn(dynamoPort)).toBe(false);
  }, 120_000);
});

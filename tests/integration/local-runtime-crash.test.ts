import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePortRange } from '../helpers/ports.js';
import { isAlive, killGroup, pidsListeningOn, portsReleased, startNpm, waitFor, type NpmStart } from '../helpers/processes.js';
import { startReceiver } from '../helpers/receiver.js';
import { sampleTenant } from '../helpers/runtime.js';
import { quoteBody } from '../helpers/scenario.js';

/**
 * `npm start` treated as a process manager, a terminal and a crash would treat it: signals sent
 * to `npm` alone, a SIGKILL of the whole tree in the middle of a burst of keyed bookings, and
 * DynamoDB Local's JVM killed under the API. Nothing may be left running, lost or doubled.
 */
const started = new Set<NpmStart>();
const folders: string[] = [];

afterAll(() => {
  for (const run of started) killGroup(run.npm, 'SIGKILL');
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function dataFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'hub-crash-'));
  folders.push(folder);
  return folder;
}

async function run(port: number, dataDir: string, env: Record<string, string> = {}): Promise<NpmStart> {
  const npmStart = await startNpm(port, dataDir, env);
  started.add(npmStart);
  return npmStart;
}

interface Call {
  status: number;
  headers: Headers;
  json: any;
}

function client(port: number) {
  return async (method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}): Promise<Call> => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
  };
}

/** Every page of a list. */
async function all(call: ReturnType<typeof client>, path: string, key: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | undefined;
  do {
    const page = await call('GET', `${path}${path.includes('?') ? '&' : '?'}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, key);
    expect(page.status).toBe(200);
    items.push(...page.json.data);
    cursor = page.json.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

describe('stopping npm start the way process managers do', () => {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`${signal} sent to the npm process alone stops the API, the bus and DynamoDB Local`, async () => {
      const port = await freePortRange(3);
      const npmStart = await run(port, dataFolder());
      const javaPids = pidsListeningOn(port + 2);
      const runtimePids = pidsListeningOn(port);
      expect(javaPids.length).toBeGreaterThan(0);
      expect(runtimePids.length).toBeGreaterThan(0);

      process.kill(npmStart.npm.pid as number, signal);
      await waitFor(() => portsReleased(port), 20_000, 'the three ports to be released');
      await waitFor(() => [...javaPids, ...runtimePids].every((pid) => !isAlive(pid)), 10_000, 'the runtime and the JVM to exit');
      started.delete(npmStart);
    }, 120_000);
  }
});

describe('a crash of npm start in the middle of keyed bookings', () => {
  it('after a restart on the same data, every key has exactly one delivery, one booked webhook message and one audit entry', async () => {
    const port = await freePortRange(3);
    const dataDir = dataFolder();
    const receiver = await startReceiver();
    try {
      let npmStart = await run(port, dataDir);
      // The first start keeps its admin key beside the data, for the README's commands.
      const adminKeyFile = join(dataDir, 'admin-key');
      expect(statSync(adminKeyFile).mode & 0o777).toBe(0o600);
      const adminKey = readFileSync(adminKeyFile, 'utf8').trim();
      expect(npmStart.output()).toContain(adminKey);
      const call = client(port);

      const tenant = (await call('POST', '/v1/tenants', adminKey, sampleTenant({ name: 'Crash test' }))).json;
      const tenantKey = (await call('POST', `/v1/tenants/${tenant.id}/api-keys`, adminKey, {})).json.key as string;
      const endpoint = (await call('POST', '/v1/webhook-endpoints', tenantKey, { url: receiver.url, events: ['delivery.booked'] })).json;
      expect(endpoint.id).toMatch(/^whe_/);

      const keys = Array.from({ length: 36 }, (_, index) => `burst-${index}`);
      const body = (key: string) => quoteBody({ reference: key });
      const answered = new Map<string, string>();
      const burst = keys.map(async (key, index) => {
        await new Promise((resolve) => setTimeout(resolve, index * 15));
        try {
          const answer = await call('POST', '/v1/deliveries', tenantKey, body(key), { 'idempotency-key': key });
          if (answer.status === 201) answered.set(key, answer.json.id as string);
        } catch {
          // the connection died with the process
        }
      });
      // Kill everything at once, as a power cut would, while requests are under way.
      await waitFor(() => answered.size >= 6, 30_000, 'the first answers of the burst');
      killGroup(npmStart.npm, 'SIGKILL');
      await Promise.all(burst);
      started.delete(npmStart);
      expect(answered.size).toBeLessThan(keys.length);
      await waitFor(() => portsReleased(port), 20_000, 'the ports of the killed run');

      npmStart = await run(port, dataDir);
      expect(npmStart.output()).not.toContain(adminKey);

      // Every retry, with the same key and body, ends on one delivery: the first answer replayed
      // when the booking had committed, a new booking when it had not.
      const ids = new Map<string, string>();
      const waited: string[] = [];
      for (const key of keys) {
        let answer: Call;
        const deadline = Date.now() + 60_000;
        for (;;) {
          answer = await call('POST', '/v1/deliveries', tenantKey, body(key), { 'idempotency-key': key });
          if (answer.status !== 409 && answer.status !== 503) break;
          waited.push(`${key}: ${answer.json.error.code}`);
          expect(answer.json.error.code).toMatch(/^(idempotency_request_in_progress|service_unavailable)$/);
          if (Date.now() > deadline) throw new Error(`${key} still ${answer.status} after 60 s`);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        expect(answer.status, `${key}: ${JSON.stringify(answer.json)}`).toBe(201);
        expect(answer.json.reference).toBe(key);
        const first = answered.get(key);
        if (first) {
          expect(answer.json.id).toBe(first);
          expect(answer.headers.get('idempotent-replayed')).toBe('true');
        }
        ids.set(key, answer.json.id as string);
      }
      expect(new Set(ids.values()).size).toBe(keys.length);
      // The killed run's claims are known dead after a restart: no retry had to wait for them to expire.
      expect(waited).toEqual([]);

      const stored = await all(call, '/v1/deliveries', tenantKey);
      expect(stored.map((delivery) => delivery.id).sort()).toEqual([...ids.values()].sort());

      // Every committed booking reached every consumer, once: the webhook message, and the audit trail.
      const deliveryIds = new Set(ids.values());
      await waitFor(
        async () => {
          const messages = await all(call, `/v1/webhook-endpoints/${endpoint.id}/messages`, tenantKey);
          return messages.filter((message) => message.type === 'delivery.booked' && message.status === 'delivered').length >= deliveryIds.size;
        },
        90_000,
        'a delivered webhook message for every booking',
      );
      const messages = await all(call, `/v1/webhook-endpoints/${endpoint.id}/messages`, tenantKey);
      expect(messages.filter((message) => message.type === 'delivery.booked')).toHaveLength(deliveryIds.size);
      const webhookIdsByDelivery = new Map<string, Set<string>>();
      for (const received of receiver.received) {
        const payload = JSON.parse(received.body) as { type: string; data: { id: string } };
        if (payload.type !== 'delivery.booked') continue;
        const set = webhookIdsByDelivery.get(payload.data.id) ?? new Set<string>();
        set.add(String(received.headers['webhook-id']));
        webhookIdsByDelivery.set(payload.data.id, set);
      }
      expect([...webhookIdsByDelivery.keys()].sort()).toEqual([...deliveryIds].sort());
      for (const set of webhookIdsByDelivery.values()) expect(set.size).toBe(1);

      await waitFor(
        async () => (await all(call, `/v1/tenants/${tenant.id}/events`, adminKey)).filter((event) => event.type === 'delivery.booked').length >= deliveryIds.size,
        60_000,
        'an audit entry for every booking',
      );
      const audit = (await all(call, `/v1/tenants/${tenant.id}/events`, adminKey)).filter((event) => event.type === 'delivery.booked');
      expect(audit.map((event) => event.data.id).sort()).toEqual([...deliveryIds].sort());

      // Dead letters are kept under DATA_DIR, and none was needed.
      const deadLetters = (await (await fetch(`http://127.0.0.1:${port + 1}/dead-letters`)).json()) as { deadLetters: unknown[] };
      expect(deadLetters.deadLetters).toEqual([]);

      process.kill(npmStart.npm.pid as number, 'SIGTERM');
      await waitFor(() => portsReleased(port), 20_000, 'the final stop');
      started.delete(npmStart);
    } finally {
      await receiver.close();
    }
  }, 300_000);
});

describe('DynamoDB Local dying under the API', () => {
  it('is said in the log and restarted on the same data; requests meanwhile get a clean 503', async () => {
    const port = await freePortRange(3);
    const dataDir = dataFolder();
    const npmStart = await run(port, dataDir, { HUB_ADMIN_API_KEY: 'crash-admin-key' });
    const call = client(port);
    const tenant = (await call('POST', '/v1/tenants', 'crash-admin-key', sampleTenant({ name: 'Survivor' }))).json;

    const [java] = pidsListeningOn(port + 2);
    expect(java).toBeDefined();
    process.kill(java as number, 'SIGKILL');
    await waitFor(() => !isAlive(java as number), 10_000, 'the JVM to die');

    const during = await call('GET', `/v1/tenants/${tenant.id}`, 'crash-admin-key');
    expect(during.status).toBe(503);
    expect(during.json.error).toMatchObject({ type: 'api_error', code: 'service_unavailable' });
    expect(during.headers.get('retry-after')).toBeTruthy();
    await waitFor(() => npmStart.output().includes('DynamoDB Local stopped unexpectedly'), 10_000, 'the log line');

    await waitFor(async () => (await call('GET', `/v1/tenants/${tenant.id}`, 'crash-admin-key')).status === 200, 60_000, 'DynamoDB Local to be back');
    expect(npmStart.output()).toContain('DynamoDB Local is back');
    const after = await call('GET', `/v1/tenants/${tenant.id}`, 'crash-admin-key');
    expect(after.json.name).toBe('Survivor');
    const [newJava] = pidsListeningOn(port + 2);
    expect(newJava).not.toBe(java);

    // And it still works end to end: a write, and the event it sets off reaches the audit trail.
    const tenantKey = (await call('POST', `/v1/tenants/${tenant.id}/api-keys`, 'crash-admin-key', {})).json.key as string;
    const booked = await call('POST', '/v1/deliveries', tenantKey, quoteBody());
    expect(booked.status).toBe(201);
    await waitFor(
      async () => (await all(call, `/v1/tenants/${tenant.id}/events`, 'crash-admin-key')).some((event) => event.type === 'delivery.booked' && event.data.id === booked.json.id),
      60_000,
      'the booking in the audit trail',
    );

    process.kill(npmStart.npm.pid as number, 'SIGTERM');
    await waitFor(() => portsReleased(port), 20_000, 'the final stop');
    started.delete(npmStart);
  }, 180_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../../shared/logging/logger.js';
import { startTestApi, type TestApi } from '../helpers/runtime.js';
import { places, quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

/**
 * The structured logs (issue 7): one JSON line per request with its request id and, once the key
 * is known, the tenant; consumer lines with the event id; no personal data anywhere.
 */
describe('structured logs', () => {
  let api: TestApi;
  let actors: Actors;
  const lines: string[] = [];
  const originalWrite = process.stdout.write.bind(process.stdout);

  beforeAll(async () => {
    api = await startTestApi();
    actors = await setUpActors(api);
  });

  afterAll(async () => {
    process.stdout.write = originalWrite;
    logger.setLogLevel('SILENT');
    await api?.stop();
  });

  const capture = async (work: () => Promise<void>) => {
    lines.length = 0;
    logger.setLogLevel('INFO');
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
    try {
      await work();
    } finally {
      process.stdout.write = originalWrite;
      logger.setLogLevel('SILENT');
    }
    return lines
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  it('writes an access line per request with the request id, the route and the tenant, and no personal data', async () => {
    const secretName = 'Dominique Lefèvre-Unique';
    const secretPhone = '+33 6 98 76 54 32';
    const secretEmail = 'dominique.unique@example.org';
    const secretStreet = '17 rue des Tilleuls Uniques';
    const body = quoteBody({
      dropoff: { address: { ...places.firminy, line1: secretStreet }, contact: { name: secretName, phone: secretPhone, email: secretEmail } },
    });
    let requestId = '';
    let refusedRequestId = '';
    const logged = await capture(async () => {
      const booked = await api.call('POST', '/v1/deliveries', { key: actors.tenantKey, body });
      expect(booked.status).toBe(201);
      requestId = booked.headers.get('request-id') ?? '';
      const refused = await api.call('GET', '/v1/deliveries/dlv_01ARZ3NDEKTSV4RRFFQ69G5FAV', { key: 'not-a-key' });
      expect(refused.status).toBe(401);
      refusedRequestId = refused.json.error.requestId;
      await api.runtime.settle();
    });

    expect(requestId).not.toBe('');
    const access = logged.filter((line) => line.message === 'request');
    const booking = access.find((line) => line.requestId === requestId);
    expect(booking).toMatchObject({ level: 'INFO', service: 'delivery-hub', route: 'POST /v1/deliveries', status: 201, tenantId: actors.tenantId, role: 'tenant' });
    expect(typeof booking?.latencyMs).toBe('number');
    expect(booking?.keyId).toMatch(/^key_/);
    // A refused key: the access line has the request id, and no tenant (none was authenticated).
    const refusedLine = access.find((line) => line.requestId === refusedRequestId);
    expect(refusedLine).toMatchObject({ route: 'GET /v1/deliveries/{id}', status: 401 });
    expect(refusedLine).not.toHaveProperty('tenantId');

    // The consumers of delivery.booked log the event id and the tenant.
    const consumerLines = logged.filter((line) => typeof line.eventId === 'string');
    expect(consumerLines.length).toBeGreaterThan(0);
    expect(consumerLines.some((line) => line.tenantId === actors.tenantId && line.type === 'delivery.booked')).toBe(true);

    const everything = lines.join('');
    for (const personal of [secretName, secretPhone, secretEmail, secretStreet, actors.tenantKey, 'not-a-key']) {
      expect(everything).not.toContain(personal);
    }
  });
});

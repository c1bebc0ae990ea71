import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, sampleTenant, startTestApi, type TestApi } from '../helpers/runtime.js';

let api: TestApi;

const tenantCount = async () => {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await api.call('GET', `/v1/tenants?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    count += page.json.data.length;
    cursor = page.json.nextCursor ?? undefined;
  } while (cursor);
  return count;
};

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.stop());

describe('bad input gets a 4xx in the contract shape, never a 5xx, and writes nothing', () => {
  const json = { 'content-type': 'application/json' };
  const cases: Array<[string, () => Promise<Awaited<ReturnType<TestApi['call']>>>, number, string, string?]> = [
    ['malformed JSON', () => api.call('POST', '/v1/tenants', { rawBody: '{"name": "A",', headers: json }), 400, 'malformed_json'],
    ['a JSON array', () => api.call('POST', '/v1/tenants', { rawBody: '[1,2]', headers: json }), 400, 'parameter_invalid'],
    ['JSON null', () => api.call('POST', '/v1/tenants', { rawBody: 'null', headers: json }), 400, 'parameter_invalid'],
    ['a wrong content type', () => api.call('POST', '/v1/tenants', { rawBody: 'name=A', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type', 'Content-Type'],
    ['no content type', () => api.call('POST', '/v1/tenants', { rawBody: JSON.stringify(sampleTenant()) }), 415, 'unsupported_media_type'],
    ['an unknown field', () => api.call('POST', '/v1/tenants', { body: { ...sampleTenant(), vip: true } }), 400, 'unknown_parameter', 'vip'],
    ['an unknown nested field', () => api.call('POST', '/v1/tenants', { body: sampleTenant({ address: { ...sampleTenant().address, floor: 2 } }) }), 400, 'unknown_parameter', 'address.floor'],
    ['a missing field', () => api.call('POST', '/v1/tenants', { body: { name: 'A', kind: 'shop', address: sampleTenant().address } }), 400, 'parameter_missing', 'billingEmail'],
    ['a missing nested field', () => api.call('POST', '/v1/tenants', { body: sampleTenant({ address: { line1: 'x', city: 'y' } }) }), 400, 'parameter_missing', 'address.postcode'],
    ['a wrong type', () => api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 42 }) }), 400, 'parameter_invalid', 'name'],
    ['a wrong nested type', () => api.call('POST', '/v1/tenants', { body: sampleTenant({ address: { ...sampleTenant().address, lat: '45.4' } }) }), 400, 'parameter_invalid', 'address.lat'],
    ['an out-of-range coordinate', () => api.call('POST', '/v1/tenants', { body: sampleTenant({ address: { ...sampleTenant().address, lat: 91 } }) }), 400, 'parameter_invalid', 'address.lat'],
    ['an unknown enum value', () => api.call('POST', '/v1/tenants', { body: sampleTenant({ kind: 'bank' }) }), 400, 'parameter_invalid', 'kind'],
    ['an invalid e-mail', () => api.call('POST', '/v1/tenants', { body: sampleTenant({ billingEmail: "x' OR 1=1 --" }) }), 400, 'parameter_invalid', 'billingEmail'],
    ['a very long string', () => api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 'x'.repeat(10_000) }) }), 400, 'parameter_invalid', 'name'],
    ['a blank string', () => api.call('POST', '/v1/tenants', { body: sampleTenant({ name: '   ' }) }), 400, 'parameter_invalid', 'name'],
    ['a body over 256 KiB', () => api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 'x'.repeat(257 * 1024) }) }), 413, 'payload_too_large'],
    ['a body over the 10 MB gateway limit', () => api.call('POST', '/v1/tenants', { rawBody: Buffer.alloc(11 * 1024 * 1024, 0x61), headers: json }), 413, 'payload_too_large'],
    ['a bad list limit', () => api.call('GET', '/v1/tenants?limit=1000'), 400, 'parameter_invalid', 'limit'],
    ['a non-numeric limit', () => api.call('GET', '/v1/tenants?limit=ten'), 400, 'parameter_invalid', 'limit'],
    ['an unknown query parameter', () => api.call('GET', '/v1/tenants?sort=name'), 400, 'unknown_parameter', 'sort'],
    ['a forged cursor', () => api.call('GET', `/v1/tenants?cursor=${Buffer.from(JSON.stringify({ pk: 'T#other', sk: 'TENANT', gsi1pk: 'T#x', gsi1sk: 'y' })).toString('base64url')}`), 400, 'parameter_invalid', 'cursor'],
    ['a garbage cursor', () => api.call('GET', '/v1/tenants?cursor=%22%3B%20DROP%20TABLE'), 400, 'parameter_invalid', 'cursor'],
    ['an id with quotes and SQL', () => api.call('GET', `/v1/tenants/${encodeURIComponent("ten_1' OR '1'='1")}`), 404, 'resource_missing'],
    ['a very long id', () => api.call('GET', `/v1/tenants/ten_${'A'.repeat(3000)}`), 404, 'resource_missing'],
    ['an unknown path', () => api.call('GET', '/v1/nothing-here'), 404, 'route_not_found'],
    ['a known path with another method', () => api.call('DELETE', '/v1/tenants'), 404, 'route_not_found'],
    ['an Idempotency-Key over 255 characters', () => api.call('POST', '/v1/tenants', { body: sampleTenant(), headers: { 'idempotency-key': 'k'.repeat(256) } }), 400, 'parameter_invalid', 'Idempotency-Key'],
  ];

  it.each(cases)('%s', async (_name, send, status, code, param) => {
    const before = await tenantCount();
    const response = await send();
    const error = expectError(response, status, code);
    if (param !== undefined) expect(error.param).toBe(param);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('request-id')).toBe(error.requestId);
    expect(await tenantCount()).toBe(before);
  });

  it('names the field in words a developer understands', async () => {
    const error = expectError(await api.call('POST', '/v1/tenants', { body: sampleTenant({ address: { ...sampleTenant().address, lat: 'north' } }) }), 400, 'parameter_invalid');
    expect(error.message).toBe('address.lat must be a number.');
  });

  it('gives every error a distinct requestId', async () => {
    const first = expectError(await api.call('GET', '/v1/nothing'), 404, 'route_not_found');
    const second = expectError(await api.call('GET', '/v1/nothing'), 404, 'route_not_found');
    expect(first.requestId).not.toBe(second.requestId);
  });
});

describe('good input', () => {
  it('accepts a body with a charset parameter and unicode text', async () => {
    const response = await api.call('POST', '/v1/tenants', {
      rawBody: JSON.stringify(sampleTenant({ name: 'Épicerie « Zéro Déchet » 🚲' })),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(response.status).toBe(201);
    expect(response.json.name).toBe('Épicerie « Zéro Déchet » 🚲');
    expect((await api.call('GET', `/v1/tenants/${response.json.id}`)).json.name).toBe('Épicerie « Zéro Déchet » 🚲');
  });

  it('reads media types case-insensitively, parameters included (RFC 9110)', async () => {
    for (const contentType of ['APPLICATION/JSON', 'Application/Json; Charset=UTF-8', 'application/vnd.api+JSON']) {
      const response = await api.call('POST', '/v1/tenants', { rawBody: JSON.stringify(sampleTenant({ name: contentType })), headers: { 'content-type': contentType } });
      expect(response.status, contentType).toBe(201);
      expect(response.json.name).toBe(contentType);
    }
  });

  it('pages through a list with cursors, without repeats or gaps', async () => {
    for (let index = 0; index < 5; index += 1) await api.call('POST', '/v1/tenants', { body: sampleTenant({ name: `Page ${index}` }) });
    const all = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await api.call('GET', `/v1/tenants?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.json.data.length).toBeLessThanOrEqual(2);
      for (const tenant of page.json.data) {
        expect(all.has(tenant.id)).toBe(false);
        all.add(tenant.id);
      }
      expect(page.json.hasMore).toBe(page.json.nextCursor !== null);
      cursor = page.json.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(all.size).toBe(await tenantCount());
    expect(pages).toBe(Math.ceil(all.size / 2));
  });

  it('never sends an empty last page', async () => {
    const total = await tenantCount();
    const page = await api.call('GET', `/v1/tenants?limit=${total}`);
    expect(page.json.data).toHaveLength(total);
    expect(page.json.hasMore).toBe(false);
    expect(page.json.nextCursor).toBeNull();
  });
});

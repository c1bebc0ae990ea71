import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../shared/db/client.js';
import { defaultCapacity, defaultServiceArea } from '../../shared/geo/service-area.js';
import { settings } from '../../shared/hub/repository.js';
import { defaultRateCard } from '../../shared/pricing/rate-card.js';
import { startTestApi, type TestApi } from '../helpers/runtime.js';
import { quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

/**
 * Settings are validated when they are PUT, and schemas only ever get stricter: a value stored
 * before a tightening must not turn every quote into a 500.
 */
let api: TestApi;
let actors: Actors;

beforeAll(async () => {
  api = await startTestApi();
  actors = await setUpActors(api);
});
afterAll(() => api?.stop());

const store = (key: { pk: string; sk: string }, value: string) =>
  db().send(new PutCommand({ TableName: api.runtime.tableName, Item: { ...key, entity: 'setting', value, updatedAt: '2025-01-01T00:00:00.000Z' } }));

describe('settings stored before their schema was tightened', () => {
  it('fall back to what applies when none is stored, so quotes still price, and say so on GET', async () => {
    // Tiers that no longer ascend, a field the capacity no longer knows, a value that is not even JSON.
    await store(settings.key({ tenantRateCard: actors.tenantId }), JSON.stringify({ ...defaultRateCard, baseCents: 999, weightTiers: [{ upToKg: 30, cents: 0 }, { upToKg: 10, cents: 300 }] }));
    await store(settings.key({ hub: 'capacity' }), JSON.stringify({ ...defaultCapacity, maxParcels: 4 }));
    await store(settings.key({ hub: 'service-area' }), '{"type":"Polygon","coordinates":[[[4.2,45.5]');

    const quote = await api.call('POST', '/v1/quotes', { key: actors.tenantKey, body: quoteBody() });
    expect(quote.status).toBe(201);
    expect(quote.json.lines[0]).toMatchObject({ code: 'base', amount: defaultRateCard.baseCents });

    expect((await api.call('GET', `/v1/tenants/${actors.tenantId}/rate-card`, { key: actors.tenantKey })).json).toMatchObject({ source: 'hub', baseCents: defaultRateCard.baseCents });
    expect((await api.call('GET', '/v1/hub/capacity')).json).toEqual(defaultCapacity);
    expect((await api.call('GET', '/v1/hub/service-area')).json).toEqual(defaultServiceArea);

    // Set again through the API, the setting applies at once.
    await api.call('PUT', `/v1/tenants/${actors.tenantId}/rate-card`, { body: { ...defaultRateCard, baseCents: 700 } });
    expect((await api.call('POST', '/v1/quotes', { key: actors.tenantKey, body: quoteBody() })).json.lines[0]).toMatchObject({ code: 'base', amount: 700 });
  });
});

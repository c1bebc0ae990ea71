import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../shared/db/client.js';
import { sampleTenant, startTestApi, type TestApi } from '../helpers/runtime.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.stop());

const trail = async (tenantId: string) => (await api.call('GET', `/v1/tenants/${tenantId}/events`)).json.data as Array<{ id: string; type: string }>;

describe('the outbox: no event is lost when the bus fails after the state is written', () => {
  it('writes the state, answers the client, and delivers the event once the bus is back', async () => {
    api.runtime.bus.failNextPutEvents(7);
    const failedBefore = api.runtime.bus.stats.putEventsFailedOnPurpose;

    const created = await api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 'Outage' }) });
    expect(created.status).toBe(201);
    expect((await api.call('GET', `/v1/tenants/${created.json.id}`)).status).toBe(200);

    await api.runtime.settle();
    expect(api.runtime.bus.stats.putEventsFailedOnPurpose - failedBefore).toBe(7);
    const events = await trail(created.json.id);
    expect(events.map((event) => event.type)).toEqual(['tenant.created']);
  });

  it('writes the event in the same transaction as the state: a failed write publishes nothing', async () => {
    const tenant = (await api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 'Keys' }) })).json;
    await api.runtime.settle();
    const callsBefore = api.runtime.bus.stats.putEventsCalls;
    // The tenant does not exist: nothing is written, so no api_key.created may ever appear.
    const refused = await api.call('POST', '/v1/tenants/ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7/api-keys', { body: {} });
    expect(refused.status).toBe(404);
    await api.runtime.settle();
    expect(api.runtime.bus.stats.putEventsCalls).toBe(callsBefore);

    await api.call('POST', `/v1/tenants/${tenant.id}/api-keys`, { body: {} });
    await api.runtime.settle();
    expect((await trail(tenant.id)).map((event) => event.type).sort()).toEqual(['api_key.created', 'tenant.created']);
  });

  it('keeps outbox items out of the tenant\'s own partition', async () => {
    const tenant = (await api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 'Expiry' }) })).json;
    const { Items } = await db().send(
      new QueryCommand({ TableName: api.runtime.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `T#${tenant.id}` } }),
    );
    expect(Items?.map((item) => item.entity)).toEqual(['tenant']);
    await api.runtime.settle();
    expect((await trail(tenant.id)).map((event) => event.type)).toEqual(['tenant.created']);
  });
});

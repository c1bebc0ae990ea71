import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventPublishError, publish, setEventBridge } from '../../shared/events/publish.js';
import { tenantEvents } from '../../shared/tenants/events.js';

const bus = mockClient(EventBridgeClient);

beforeEach(() => {
  bus.reset();
  process.env.EVENT_BUS_NAME = 'hub-test-bus';
  setEventBridge(new EventBridgeClient({ region: 'eu-west-3' }));
});
afterEach(() => setEventBridge(undefined));

describe('publish', () => {
  it('puts one validated event with the contract envelope on the configured bus', async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const detail = await publish(tenantEvents.tenantCreated, 'ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7', { tenantId: 'ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7', name: 'A', kind: 'shop' });

    const calls = bus.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    const [entry] = calls[0]?.args[0].input.Entries ?? [];
    expect(entry).toMatchObject({ EventBusName: 'hub-test-bus', Source: 'delivery-hub', DetailType: 'tenant.created' });
    const sent = JSON.parse(entry?.Detail ?? '{}');
    expect(sent).toEqual(detail);
    expect(sent).toMatchObject({ id: expect.stringMatching(/^evt_[0-9A-Z]{26}$/), tenantId: 'ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T7', version: 1, data: { name: 'A' } });
    expect(new Date(sent.occurredAt).toISOString()).toBe(sent.occurredAt);
  });

  it('refuses data that does not fit the event schema, and puts nothing', async () => {
    await expect(publish(tenantEvents.tenantCreated, 'ten_x', { tenantId: 'ten_x', name: 'A' } as never)).rejects.toThrow();
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('throws when the bus refuses the entry, so the caller never believes a lost event was sent', async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });
    await expect(publish(tenantEvents.courierCreated, null, { courierId: 'cou_1' })).rejects.toBeInstanceOf(EventPublishError);
  });

  it('passes a transport failure on', async () => {
    bus.on(PutEventsCommand).rejects(new Error('socket hang up'));
    await expect(publish(tenantEvents.courierCreated, null, { courierId: 'cou_1' })).rejects.toThrow('socket hang up');
  });
});

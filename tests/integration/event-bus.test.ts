import { EventBridgeClient, InvalidEventPatternException, PutEventsCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEventBus } from '../../infra/local/event-bus.js';
import { publish } from '../../shared/events/publish.js';
import { eventRules } from '../../shared/app/rules.js';
import type { EventRule } from '../../shared/events/rule.js';
import { attempts } from '../fixtures/flaky-consumer.js';
import { sampleTenant, startTestApi, type TestApi } from '../helpers/runtime.js';
import { tenantEvents } from '../../shared/tenants/events.js';

let api: TestApi;
let client: EventBridgeClient;

const flakyRule: EventRule = {
  name: 'flaky',
  description: 'A test consumer that fails on purpose.',
  consumes: [],
  pattern: { source: ['test'], 'detail-type': ['flaky'] },
  target: { handler: 'tests/fixtures/flaky-consumer.ts', retryAttempts: 3, maximumEventAgeSeconds: 60 },
};

/** Delivers to the same recording consumer, matching a field through a dotted name as EventBridge joins keys. */
const dottedRule: EventRule = {
  name: 'dotted',
  description: 'A test consumer selected by a dotted field name.',
  consumes: [],
  pattern: { source: ['test'], 'detail-type': ['dotted'], detail: { 'order.status': ['ready'] } },
  target: { handler: 'tests/fixtures/flaky-consumer.ts', retryAttempts: 0, maximumEventAgeSeconds: 60 },
};

beforeAll(async () => {
  api = await startTestApi({ rules: [...eventRules, flakyRule, dottedRule] });
  // The real SDK client, pointed at the local endpoint the way production code is: by the
  // AWS_ENDPOINT_URL_EVENTBRIDGE variable the runtime sets.
  client = new EventBridgeClient({});
});
afterAll(async () => {
  client?.destroy();
  await api?.stop();
});

const sampleEvent = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

describe('the local EventBridge endpoint speaks the AWS protocol', () => {
  it('uses the endpoint from AWS_ENDPOINT_URL_EVENTBRIDGE', () => {
    expect(process.env.AWS_ENDPOINT_URL_EVENTBRIDGE).toBe(api.runtime.eventsUrl);
  });

  it('answers TestEventPattern true and false as AWS does', async () => {
    const match = await client.send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ source: ['aws.ec2'], detail: { state: ['terminated'] } }), Event: JSON.stringify(sampleEvent) }));
    expect(match.Result).toBe(true);
    const noMatch = await client.send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ detail: { state: [{ 'anything-but': 'terminated' }] } }), Event: JSON.stringify(sampleEvent) }));
    expect(noMatch.Result).toBe(false);
  });

  it('rejects an invalid pattern with InvalidEventPatternException', async () => {
    const attempt = client.send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ source: [] }), Event: JSON.stringify(sampleEvent) }));
    await expect(attempt).rejects.toBeInstanceOf(InvalidEventPatternException);
    await expect(client.send(new TestEventPatternCommand({ EventPattern: '{"source": "aws.ec2"}', Event: JSON.stringify(sampleEvent) }))).rejects.toBeInstanceOf(
      InvalidEventPatternException,
    );
  });

  it('answers TestEventPattern for an event without resources, which AWS does not require', async () => {
    // The CLI reference's test-event-pattern example and AWS-validated cases send no resources; id and the
    // other envelope fields stay mandatory.
    const { resources: _omitted, ...withoutResources } = sampleEvent;
    const match = await client.send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ source: ['aws.ec2'] }), Event: JSON.stringify(withoutResources) }));
    expect(match.Result).toBe(true);
    const noMatch = await client.send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ resources: [{ exists: true }] }), Event: JSON.stringify(withoutResources) }));
    expect(noMatch.Result).toBe(false);
    const { id: _id, ...withoutId } = withoutResources;
    await expect(client.send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ source: ['aws.ec2'] }), Event: JSON.stringify(withoutId) }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('rejects a wildcard pattern AWS finds too complex with InvalidEventPatternException', async () => {
    const attempt = client.send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ EventBusArn: [{ wildcard: '*:*:*:*:*:event-bus/*' }] }), Event: JSON.stringify(sampleEvent) }));
    await expect(attempt).rejects.toBeInstanceOf(InvalidEventPatternException);
    await expect(attempt).rejects.toThrow(/Rule is too complex/);
  });

  it('answers PutEvents with an EventId per entry and per-entry errors for bad entries', async () => {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: 'delivery-hub', Source: 'test', DetailType: 'ping', Detail: '{"ok":true}' },
          { EventBusName: 'delivery-hub', Source: 'test', DetailType: 'ping', Detail: 'not json' },
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.Entries?.[1]?.ErrorCode).toBe('InvalidArgument');
  });
});

describe('events reach their consumers through the shared rules', () => {
  it('delivers a published event to the audit-trail consumer, once', async () => {
    const tenant = (await api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 'Audited' }) })).json;
    await api.runtime.settle();
    const trail = await api.call('GET', `/v1/tenants/${tenant.id}/events`);
    expect(trail.json.data).toHaveLength(1);
    expect(trail.json.data[0]).toMatchObject({ type: 'tenant.created', version: 1, data: { tenantId: tenant.id, name: 'Audited', kind: 'shop' } });
  });

  it('records a redelivered event once (consumers are idempotent on the event id)', async () => {
    const tenant = (await api.call('POST', '/v1/tenants', { body: sampleTenant({ name: 'Twice delivered' }) })).json;
    await api.runtime.settle();
    const [event] = (await api.call('GET', `/v1/tenants/${tenant.id}/events`)).json.data;
    const detail = { id: event.id, tenantId: tenant.id, occurredAt: event.occurredAt, version: 1, data: event.data };
    await client.send(new PutEventsCommand({ Entries: [{ EventBusName: 'delivery-hub', Source: 'delivery-hub', DetailType: 'tenant.created', Detail: JSON.stringify(detail) }] }));
    await api.runtime.bus.idle();
    expect((await api.call('GET', `/v1/tenants/${tenant.id}/events`)).json.data).toHaveLength(1);
  });

  it('accepts PutEvents without Resources and delivers it to the rule matching a dotted field name', async () => {
    const detail = { order: { status: 'ready' }, data: { failTimes: 0 } };
    const result = await client.send(new PutEventsCommand({ Entries: [{ EventBusName: 'delivery-hub', Source: 'test', DetailType: 'dotted', Detail: JSON.stringify(detail) }] }));
    expect(result.FailedEntryCount).toBe(0);
    const id = result.Entries?.[0]?.EventId as string;
    await api.runtime.bus.idle();
    expect(attempts().get(id)).toBe(1);
  });

  it('refuses to publish an event whose detail does not fit its schema', async () => {
    await expect(publish(tenantEvents.tenantCreated, 'ten_x', { tenantId: 42 } as never)).rejects.toThrow();
  });
});

describe('retries and dead letters', () => {
  const put = async (failTimes: number, busName = 'delivery-hub') => {
    const result = await client.send(new PutEventsCommand({ Entries: [{ EventBusName: busName, Source: 'test', DetailType: 'flaky', Detail: JSON.stringify({ data: { failTimes } }) }] }));
    return result.Entries?.[0]?.EventId as string;
  };

  it('retries a failing target until it succeeds', async () => {
    const id = await put(2);
    await api.runtime.bus.idle();
    expect(attempts().get(id)).toBe(3);
    expect(api.runtime.bus.deadLetters.find((deadLetter) => deadLetter.eventId === id)).toBeUndefined();
  });

  it('dead-letters an event after the retries run out, on the bus endpoint, and replays it on demand', async () => {
    const id = await put(100);
    await api.runtime.bus.idle();
    expect(attempts().get(id)).toBe(1 + flakyRule.target.retryAttempts);
    const deadLetter = api.runtime.bus.deadLetters.find((candidate) => candidate.eventId === id);
    expect(deadLetter).toMatchObject({ rule: 'flaky', attempts: 4, detailType: 'flaky', error: expect.stringContaining('planned failure 4') });

    const listed = (await (await fetch(`${api.runtime.eventsUrl}/dead-letters`)).json()) as { deadLetters: Array<{ eventId: string }> };
    expect(listed.deadLetters.map((candidate: { eventId: string }) => candidate.eventId)).toContain(id);

    const replay = await fetch(`${api.runtime.eventsUrl}/dead-letters/replay`, { method: 'POST', body: JSON.stringify({ eventId: id }) });
    expect(replay.status).toBe(202);
    expect(await replay.json()).toEqual({ replayed: 1 });
    await api.runtime.bus.idle();
    // Delivered again from the start: four more attempts, then back among the dead letters, once.
    expect(attempts().get(id)).toBe(2 * (1 + flakyRule.target.retryAttempts));
    expect(api.runtime.bus.deadLetters.filter((candidate) => candidate.eventId === id)).toHaveLength(1);
  });

  it('does not deliver events put on another bus', async () => {
    const id = await put(0, 'some-other-bus');
    await api.runtime.bus.idle();
    expect(attempts().has(id)).toBe(false);
  });

  it('rejects a rule with an invalid pattern at start', async () => {
    await expect(
      startLocalEventBus({ port: 0, busName: 'x', region: 'eu-west-3', rules: [{ ...flakyRule, pattern: { source: [] } }] }),
    ).rejects.toThrow(/Event pattern is not valid/);
  });
});

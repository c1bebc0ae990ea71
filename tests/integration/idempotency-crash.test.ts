import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../shared/app/routes.js';
import { periodOf } from '../../shared/billing/period.js';
import { loseAnswerOfNextEffectCommit } from '../helpers/faults.js';
import { startReceiver } from '../helpers/receiver.js';
import { sampleTenant, startTestApi, type ApiResponse, type TestApi } from '../helpers/runtime.js';
import { quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

let api: TestApi;
let actors: Actors;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  api = await startTestApi();
  actors = await setUpActors(api);
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await api?.stop();
});

interface Request {
  method: string;
  path: string;
  key: string | null;
  body: unknown;
}

interface Case {
  request(): Promise<Request>;
  /** What the test can see of what exists: it must grow by exactly one created thing. */
  count(request: Request): Promise<number>;
}

let keyCounter = 0;
const newKey = () => `crash-${Date.now()}-${(keyCounter += 1)}`;

const listCount = async (path: string, key: string | null = null) => {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await api.call('GET', `${path}${path.includes('?') ? '&' : '?'}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, key === null ? {} : { key });
    count += page.json.data.length;
    cursor = page.json.nextCursor ?? undefined;
  } while (cursor);
  return count;
};

/** The tenant's audit trail, where every committed change lands once (by its event id). */
const eventCount = async (tenantId: string, type: string) => {
  await api.runtime.settle();
  const page = await api.call('GET', `/v1/tenants/${tenantId}/events?limit=100`);
  return (page.json.data as Array<{ type: string }>).filter((event) => event.type === type).length;
};

async function assignedDelivery(): Promise<string> {
  const booked = await api.call('POST', '/v1/deliveries', { key: actors.tenantKey, body: quoteBody() });
  await api.call('POST', `/v1/hub/deliveries/${booked.json.id}/assign`, { body: { courierId: actors.courier.id } });
  return booked.json.id as string;
}

/** An issued invoice of the tenant's, made once: payments and credit notes of a cent each go on it. */
let invoice: Promise<{ id: string; lineId: string }> | undefined;
function openInvoice(): Promise<{ id: string; lineId: string }> {
  invoice ??= (async () => {
    const id = await assignedDelivery();
    await api.call('POST', `/v1/courier/deliveries/${id}/events`, { key: actors.courier.key, body: { type: 'picked_up' } });
    await api.call('POST', `/v1/courier/deliveries/${id}/events`, { key: actors.courier.key, body: { type: 'delivered' } });
    await api.runtime.settle();
    const run = await api.call('POST', '/v1/billing/runs', { body: { period: periodOf(new Date()) } });
    const issued = run.json.invoices.find((entry: { tenantId: string }) => entry.tenantId === actors.tenantId);
    return { id: issued.id as string, lineId: issued.lines[0].id as string };
  })();
  return invoice;
}

const hubKeyCount = async () => {
  const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
  const { db } = await import('../../shared/db/client.js');
  const found = await db().send(new QueryCommand({ TableName: api.runtime.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'KEYS#hub' } }));
  return found.Items?.length ?? 0;
};

const tomorrow = () => new Date(Date.now() + 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Europe/Paris' });
/** How many attempts a delivery has had (a reschedule adds one). */
const attemptsOf = async (request: Request) => {
  const id = request.path.split('/')[3] as string;
  return (await api.call('GET', `/v1/deliveries/${id}`, { key: actors.tenantKey })).json.attempt as number;
};

/** One case per idempotent route whose effect is a single transaction (`idempotent: true`). */
const cases: Record<string, Case> = {
  createTenant: {
    request: async () => ({ method: 'POST', path: '/v1/tenants', key: null, body: sampleTenant({ name: `Crash ${newKey()}` }) }),
    count: () => listCount('/v1/tenants'),
  },
  createApiKey: {
    request: async () => ({ method: 'POST', path: `/v1/tenants/${actors.tenantId}/api-keys`, key: null, body: { role: 'tenant' } }),
    count: () => eventCount(actors.tenantId, 'api_key.created'),
  },
  createCourier: {
    request: async () => ({ method: 'POST', path: '/v1/couriers', key: null, body: { name: `Dominique ${newKey()}` } }),
    count: () => listCount('/v1/couriers'),
  },
  createQuote: {
    // Quotes are not listed: the quote a second attempt would make is priced at another distance.
    request: async () => ({ method: 'POST', path: '/v1/quotes', key: actors.tenantKey, body: quoteBody() }),
    count: async () => 0,
  },
  createDelivery: {
    request: async () => ({ method: 'POST', path: '/v1/deliveries', key: actors.tenantKey, body: quoteBody({ reference: newKey() }) }),
    count: () => listCount('/v1/deliveries', actors.tenantKey),
  },
  courierEvent: {
    request: async () => ({ method: 'POST', path: `/v1/courier/deliveries/${await assignedDelivery()}/events`, key: actors.courier.key, body: { type: 'picked_up' } }),
    count: async (request) => {
      const id = request.path.split('/')[4] as string;
      const delivery = await api.call('GET', `/v1/deliveries/${id}`, { key: actors.tenantKey });
      return (delivery.json.timeline as Array<{ status: string }>).filter((entry) => entry.status === 'picked_up').length;
    },
  },
  createWebhookEndpoint: {
    request: async () => ({ method: 'POST', path: '/v1/webhook-endpoints', key: actors.tenantKey, body: { url: receiver.url, events: ['delivery.*'], description: newKey() } }),
    count: () => listCount('/v1/webhook-endpoints', actors.tenantKey),
  },
  createIntegration: {
    request: async () => ({ method: 'POST', path: '/v1/integrations', key: actors.tenantKey, body: { provider: 'generic', pickup: quoteBody().pickup } }),
    count: () => listCount('/v1/integrations', actors.tenantKey),
  },
  createHubApiKey: {
    request: async () => ({ method: 'POST', path: '/v1/hub/api-keys', key: null, body: { role: 'accountant' } }),
    count: hubKeyCount,
  },
  createTenantUser: {
    request: async () => ({ method: 'POST', path: `/v1/tenants/${actors.tenantId}/users`, key: null, body: { email: `${newKey()}@example.org`, name: 'Dominique' } }),
    count: async () => (await api.call('GET', `/v1/tenants/${actors.tenantId}/users`)).json.data.length,
  },
  createHubUser: {
    request: async () => ({ method: 'POST', path: '/v1/hub/users', key: null, body: { email: `${newKey()}@coop.example`, name: 'Sacha', role: 'accountant' } }),
    count: async () => (await api.call('GET', '/v1/hub/users')).json.data.length,
  },
  recordPayment: {
    request: async () => ({ method: 'POST', path: `/v1/billing/invoices/${(await openInvoice()).id}/payments`, key: null, body: { amount: 1, method: 'cash' } }),
    count: async () => listCount(`/v1/billing/payments?invoiceId=${(await openInvoice()).id}`),
  },
  rescheduleDelivery: {
    // Failed before pickup: a new attempt tomorrow.
    request: async () => {
      const id = await assignedDelivery();
      await api.call('POST', `/v1/courier/deliveries/${id}/events`, { key: actors.courier.key, body: { type: 'failed', reasonCode: 'absent' } });
      return { method: 'POST', path: `/v1/deliveries/${id}/reschedule`, key: actors.tenantKey, body: { date: tomorrow() } };
    },
    count: (request) => attemptsOf(request),
  },
  returnToSender: {
    // Picked up, failed, back at the hub: the last attempt goes back to the sender.
    request: async () => {
      const id = await assignedDelivery();
      for (const body of [{ type: 'picked_up' }, { type: 'failed', reasonCode: 'refused' }, { type: 'returned' }]) {
        await api.call('POST', `/v1/courier/deliveries/${id}/events`, { key: actors.courier.key, body });
      }
      return { method: 'POST', path: `/v1/deliveries/${id}/return-to-sender`, key: actors.tenantKey, body: { date: tomorrow() } };
    },
    count: (request) => attemptsOf(request),
  },
  requestPhotoUpload: {
    request: async () => ({ method: 'POST', path: `/v1/courier/deliveries/${await assignedDelivery()}/photos`, key: actors.courier.key, body: { purpose: 'proof', contentType: 'image/jpeg', sizeBytes: 1000 } }),
    count: async (request) => {
      // Photos are not listed: count the delivery's photo items in the table.
      const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
      const { db } = await import('../../shared/db/client.js');
      const deliveryId = request.path.split('/')[4] as string;
      const found = await db().send(new ScanCommand({ TableName: api.runtime.tableName, FilterExpression: 'entity = :e AND deliveryId = :d', ExpressionAttributeValues: { ':e': 'photo', ':d': deliveryId } }));
      return found.Items?.length ?? 0;
    },
  },
  createPlan: {
    request: async () => ({ method: 'POST', path: '/v1/hub/plans', key: null, body: { date: tomorrow(), timeLimitSeconds: 1 } }),
    count: async () => (await api.call('GET', `/v1/hub/plans?date=${tomorrow()}`)).json.data.length,
  },
  routeViaHub: {
    // A booked direct delivery turned into two legs: its first leg is booked once.
    request: async () => {
      const booked = await api.call('POST', '/v1/deliveries', { key: actors.tenantKey, body: quoteBody() });
      return { method: 'POST', path: `/v1/deliveries/${booked.json.id}/via-hub`, key: actors.tenantKey, body: { firstLeg: 'courier' } };
    },
    count: async (request) => {
      // First legs are not in the tenant's list: count the delivery items that are its first leg.
      const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
      const { db } = await import('../../shared/db/client.js');
      const deliveryId = request.path.split('/')[3] as string;
      const found = await db().send(new ScanCommand({ TableName: api.runtime.tableName, FilterExpression: 'entity = :e AND #leg.#of = :d', ExpressionAttributeNames: { '#leg': 'leg', '#of': 'of' }, ExpressionAttributeValues: { ':e': 'delivery', ':d': deliveryId } }));
      return found.Items?.length ?? 0;
    },
  },
  createCollectionPoint: {
    request: async () => ({ method: 'POST', path: '/v1/hub/collection-points', key: null, body: { name: `Librairie ${newKey()}`, address: quoteBody().dropoff.address } }),
    count: () => listCount('/v1/collection-points'),
  },
  createStandingOrder: {
    // Starting in over a year: nothing to book within the horizon, the order is the whole effect.
    request: async () => ({
      method: 'POST',
      path: '/v1/standing-orders',
      key: actors.tenantKey,
      body: { dropoff: quoteBody().dropoff, parcels: quoteBody().parcels, window: { start: '11:00', end: '12:00' }, rrule: 'FREQ=WEEKLY;BYDAY=MO,TH', startDate: new Date(Date.now() + 400 * 86_400_000).toISOString().slice(0, 10), reference: newKey() },
    }),
    count: () => listCount('/v1/standing-orders', actors.tenantKey),
  },
  createCreditNote: {
    request: async () => ({ method: 'POST', path: `/v1/billing/invoices/${(await openInvoice()).id}/credit-notes`, key: null, body: { reason: 'un centime', lines: [{ lineId: (await openInvoice()).lineId, amount: 1 }] } }),
    count: async () => listCount(`/v1/billing/credit-notes?invoiceId=${(await openInvoice()).id}`),
  },
};

async function send(request: Request, idempotencyKey: string): Promise<ApiResponse> {
  return api.call(request.method, request.path, { ...(request.key === null ? {} : { key: request.key }), body: request.body, headers: { 'idempotency-key': idempotencyKey } });
}

describe('an idempotent request whose answer is lost after its commit', () => {
  it('covers every idempotent route whose effect is one transaction', () => {
    const single = Object.entries(routes)
      .filter(([, route]) => 'idempotent' in route && route.idempotent === true)
      .map(([name]) => name)
      .sort();
    expect(Object.keys(cases).sort()).toEqual(single);
  });

  for (const [name, testCase] of Object.entries(cases)) {
    for (const where of ['caller', 'transport'] as const) {
      it(`${name}: the retry replays the committed answer, nothing is written twice (answer lost at the ${where})`, async () => {
        const request = await testCase.request();
        const before = await testCase.count(request);
        const key = newKey();
        const fault = loseAnswerOfNextEffectCommit(where);
        let first: ApiResponse;
        try {
          first = await send(request, key);
        } finally {
          fault.cancel();
        }
        expect(fault.fired).toBe(true);
        if (where === 'caller') {
          // The client never learnt the outcome: a clean 503 in the contract's shape, not a 500.
          expect(first.status).toBe(503);
          expect(first.json.error.code).toBe('service_unavailable');
        } else {
          // The SDK retried the committed transaction and the request went on as if nothing happened.
          expect(first.status).toBeLessThan(300);
        }

        const retry = await send(request, key);
        expect(retry.status).toBeLessThan(300);
        expect(retry.headers.get('idempotent-replayed')).toBe('true');
        expect(retry.json.id).toMatch(/^[a-z]{3}_/);
        if (where === 'transport') expect(retry.text).toBe(first.text);
        const again = await send(request, key);
        expect(again.text).toBe(retry.text);
        if (name !== 'createQuote') expect(await testCase.count(request)).toBe(before + 1);
        // What the replay names exists and is the caller's.
        if (name === 'createQuote') expect((await api.call('GET', `/v1/quotes/${retry.json.id}`, { key: actors.tenantKey })).status).toBe(200);
        if (name === 'createApiKey') expect((await api.call('GET', '/v1/deliveries', { key: retry.json.key })).status).toBe(200);
      });
    }
  }
});

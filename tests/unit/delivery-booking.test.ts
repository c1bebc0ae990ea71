import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setDb } from '../../shared/db/client.js';
import { bookDelivery } from '../../shared/deliveries/booking.js';
import { deliveries, trackingLinks } from '../../shared/deliveries/repository.js';
import type { Delivery } from '../../shared/deliveries/schemas.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { quotes, type StoredQuote } from '../../shared/quotes/repository.js';
import { sampleDelivery } from '../fixtures/delivery.js';

const document = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-3' }));
const table = mockClient(document);

beforeEach(() => {
  table.reset();
  setDb(document);
});
afterEach(() => {
  setDb(undefined);
});

const now = new Date('2026-11-26T10:15:00.000Z');
const tenantId = 'ten_01JDQ6V7M5B8XK2ZQ3W4E5R6T8';

/** A quote for the sample delivery's stops, as the quote endpoint stores it. */
function aQuote(overrides: Partial<StoredQuote> = {}): StoredQuote {
  const { pickup, dropoff, parcels, service, price, lines, distanceMeters } = sampleDelivery();
  const expiresAtMs = now.getTime() + 15 * 60_000;
  return {
    id: newId('quote', now.getTime() - 60_000),
    object: 'quote',
    status: 'open',
    tenantId,
    pickup,
    dropoff,
    parcels,
    service,
    price,
    lines,
    distanceMeters,
    expiresAt: new Date(expiresAtMs).toISOString(),
    expiresAtMs,
    createdAt: new Date(now.getTime() - 60_000).toISOString(),
    ...overrides,
  };
}

function storedQuote(quote: StoredQuote) {
  table.on(GetCommand, { Key: quotes.key(quote) }).resolves({ Item: quotes.item(quote) });
}

const transactions = () => table.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems ?? []);

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('booking from a quote', () => {
  it('writes in one transaction the new delivery at the quote\'s price, its tracking link, its event, and the quote marked used', async () => {
    const quote = aQuote();
    storedQuote(quote);
    table.on(TransactWriteCommand).resolves({});

    const delivery = await bookDelivery(tenantId, { quoteId: quote.id, kind: 'delivery', reference: 'CMD-1' }, now);

    expect(delivery).toMatchObject({ status: 'booked', quoteId: quote.id, price: quote.price, distanceMeters: quote.distanceMeters, version: 1, timeline: [{ status: 'booked', at: now.toISOString() }] });
    const [items, ...more] = transactions();
    expect(more).toEqual([]);
    const put = (entity: string) => items!.filter((item) => item.Put?.Item?.entity === entity).map((item) => item.Put!);

    // The delivery, created only if it does not exist.
    const [written] = put('delivery');
    expect(written!.Item).toMatchObject({ ...deliveries.key(delivery), id: delivery.id, status: 'booked', price: quote.price });
    expect(written!.ConditionExpression).toBe('attribute_not_exists(pk)');
    // The tracking link points at it, and never over another delivery's token.
    const [tracking] = put('tracking');
    expect(tracking!.Item).toMatchObject({ ...trackingLinks.key({ token: delivery.tracking.token }), tenantId, deliveryId: delivery.id });
    expect(tracking!.ConditionExpression).toBe('attribute_not_exists(pk)');
    // The delivery.booked event, with the delivery as its data.
    const events = put('outbox').map((entry) => ({ type: entry.Item!.type, data: JSON.parse(entry.Item!.detail as string).data as Delivery }));
    expect(events).toEqual([{ type: 'delivery.booked', data: expect.objectContaining({ id: delivery.id, status: 'booked' }) }]);
    // The quote: marked with this delivery, only if it exists, is unused and has not expired by now.
    const quoteUpdates = items!.filter((item) => item.Update).map((item) => item.Update!);
    expect(quoteUpdates).toHaveLength(1);
    expect(quoteUpdates[0]).toMatchObject({ Key: quotes.key(quote), ExpressionAttributeValues: { ':delivery': delivery.id, ':now': now.getTime() } });
    const condition = quoteUpdates[0]!.ConditionExpression!.split(' AND ').sort();
    expect(condition).toEqual(['attribute_exists(pk)', 'attribute_not_exists(deliveryId)', 'expiresAtMs > :now']);
  });

  it('from a quote already booked is refused (409 quote_already_used) before anything is written', async () => {
    const quote = aQuote({ deliveryId: 'dlv_01JDQ6V7M5B8XK2ZQ3W4E5R6T0' });
    storedQuote(quote);
    const error = await refusal(bookDelivery(tenantId, { quoteId: quote.id, kind: 'delivery' }, now));
    expect([error.code, error.status, error.param]).toEqual(['quote_already_used', 409, 'quoteId']);
    expect(table.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('from a quote that expires at this very instant is refused (410 quote_expired) before anything is written', async () => {
    const quote = aQuote({ expiresAtMs: now.getTime(), expiresAt: now.toISOString() });
    storedQuote(quote);
    const error = await refusal(bookDelivery(tenantId, { quoteId: quote.id, kind: 'delivery' }, now));
    expect([error.code, error.status, error.param]).toEqual(['quote_expired', 410, 'quoteId']);
    expect(table.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('from a quote one millisecond before it expires is booked', async () => {
    const quote = aQuote({ expiresAtMs: now.getTime() + 1, expiresAt: new Date(now.getTime() + 1).toISOString() });
    storedQuote(quote);
    table.on(TransactWriteCommand).resolves({});
    expect((await bookDelivery(tenantId, { quoteId: quote.id, kind: 'delivery' }, now)).status).toBe('booked');
  });

  it("from another tenant's quote (or none) is a 404 on quoteId, read consistently, and writes nothing", async () => {
    const quote = aQuote({ tenantId: 'ten_01JDQ6V7M5B8XK2ZQ3W4E5R6TX' });
    storedQuote(quote);
    table.on(GetCommand).resolves({});
    const error = await refusal(bookDelivery(tenantId, { quoteId: quote.id, kind: 'delivery' }, now));
    expect([error.code, error.status, error.param]).toEqual(['resource_missing', 404, 'quoteId']);
    expect(table.commandCalls(GetCommand).map((call) => [call.args[0].input.Key, call.args[0].input.ConsistentRead])).toEqual([[quotes.key({ tenantId, id: quote.id }), true]]);
    expect(table.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  describe('when the quote changes between the read and the write (another booking, the clock)', () => {
    function quoteConditionFails(old: Record<string, unknown>) {
      table.on(TransactWriteCommand).callsFake((input: { TransactItems: Array<{ Update?: unknown }> }) => {
        const reasons = input.TransactItems.map((item) => (item.Update ? { Code: 'ConditionalCheckFailed', Item: marshall(old) } : { Code: 'None' }));
        throw new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: reasons });
      });
    }

    it('answers 409 quote_already_used when another booking took it', async () => {
      const quote = aQuote();
      storedQuote(quote);
      quoteConditionFails({ deliveryId: 'dlv_01JDQ6V7M5B8XK2ZQ3W4E5R6T0', expiresAtMs: quote.expiresAtMs });
      const error = await refusal(bookDelivery(tenantId, { quoteId: quote.id, kind: 'delivery' }, now));
      expect([error.code, error.status]).toEqual(['quote_already_used', 409]);
    });

    it('answers 410 quote_expired when it is still unused', async () => {
      const quote = aQuote();
      storedQuote(quote);
      quoteConditionFails({ expiresAtMs: quote.expiresAtMs, expiresAt: quote.expiresAt });
      const error = await refusal(bookDelivery(tenantId, { quoteId: quote.id, kind: 'delivery' }, now));
      expect([error.code, error.status]).toEqual(['quote_expired', 410]);
    });
  });
});

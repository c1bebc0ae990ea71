import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../../shared/auth/principal.js';
import { config } from '../../shared/config.js';
import { setDb } from '../../shared/db/client.js';
import { cancelDelivery, recordCourierEvent } from '../../shared/deliveries/lifecycle.js';
import { deliveries } from '../../shared/deliveries/repository.js';
import type { Delivery } from '../../shared/deliveries/schemas.js';
import { AppError } from '../../shared/errors.js';
import { settings } from '../../shared/hub/repository.js';
import { newId } from '../../shared/ids.js';
import { defaultRateCard, type RateCard } from '../../shared/pricing/rate-card.js';
import { slots } from '../../shared/slots/repository.js';
import { deliveryThrough, sampleDelivery } from '../fixtures/delivery.js';

const document = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-3' }));
const table = mockClient(document);

beforeEach(() => {
  table.reset();
  setDb(document);
});
afterEach(() => {
  setDb(undefined);
  vi.useRealTimers();
});

const COURIER_ID = 'cou_01JDQ6V7M5B8XK2ZQ3W4E5R6T9';
const courier: Principal = { role: 'courier', keyId: 'key_courier', courierId: COURIER_ID };

/**
 * A tenant of its own for each test: the pricing context (its rate card) is kept 30 s per
 * tenant in the process, so a shared tenant would carry one test's rate card into the next.
 */
function aTenant(): { tenantId: string; principal: Principal } {
  const tenantId = newId('tenant');
  return { tenantId, principal: { role: 'tenant', keyId: 'key_tenant', tenantId } };
}

/** The table holds this delivery (as its owner reads it, by key; as a courier reads it, by id). */
function stored(delivery: Delivery, ...later: Delivery[]) {
  const get = table.on(GetCommand, { Key: deliveries.key(delivery) });
  get.resolvesOnce({ Item: deliveries.item(delivery) });
  for (const next of later) get.resolvesOnce({ Item: deliveries.item(next) });
  table.on(QueryCommand).resolves({ Items: [deliveries.item(delivery)] });
}

/** The tenant's own rate card, as `PUT /v1/tenants/{id}/rate-card` stores it. */
function rateCardOf(tenantId: string, card: Partial<RateCard>) {
  const setting = settings.item({ tenantRateCard: tenantId, value: JSON.stringify({ ...defaultRateCard, ...card }), updatedAt: '2026-11-01T00:00:00.000Z' });
  table.on(BatchGetCommand).resolves({ Responses: { [config.tableName]: [setting] } });
}

const transactions = () => table.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems ?? []);
const writes = () => table.commandCalls(TransactWriteCommand).length + table.commandCalls(PutCommand).length + table.commandCalls(UpdateCommand).length;

/** The delivery a transaction writes, with its condition, and the event it writes with it. */
function written(items: ReturnType<typeof transactions>[number]) {
  const put = items.find((item) => item.Put?.Item?.entity === 'delivery')?.Put;
  const outbox = items.filter((item) => item.Put?.Item?.entity === 'outbox').map((item) => item.Put!.Item!);
  if (!put) throw new Error('no delivery written');
  return { delivery: put.Item as Delivery, condition: put, events: outbox.map((event) => ({ type: event.type, detail: JSON.parse(event.detail as string) })) };
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

const now = new Date('2026-11-26T10:15:00.000Z');

describe('cancelling a delivery', () => {
  it('is free before assignment, even when the rate card has a cancellation fee', async () => {
    const { tenantId, principal } = aTenant();
    const delivery = sampleDelivery({ tenantId });
    stored(delivery);
    rateCardOf(tenantId, { cancellationFeeCents: 500 });
    table.on(TransactWriteCommand).resolves({});

    const answer = await cancelDelivery(principal, delivery.id, 'Client absent', 'fr', now);

    expect(answer.cancellation).toEqual({ reason: 'Client absent', at: now.toISOString(), fee: null });
    const [items] = transactions();
    const { delivery: after, condition, events } = written(items!);
    expect(after).toMatchObject({ status: 'cancelled', cancellation: { reason: 'Client absent', at: now.toISOString(), fee: null }, version: delivery.version + 1 });
    // Written only over the version that was read: no lost update.
    expect(condition.ExpressionAttributeValues).toEqual({ ':previous': delivery.version });
    expect(events).toEqual([{ type: 'delivery.cancelled', detail: expect.objectContaining({ tenantId, data: expect.objectContaining({ id: delivery.id, status: 'cancelled' }) }) }]);
  });

  it("after assignment charges the rate card's fee with VAT: 3.33 € at 20 % is 0.666 € of VAT, 0.67 €", async () => {
    const { tenantId, principal } = aTenant();
    const delivery = deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z']], { tenantId, version: 2 });
    stored(delivery);
    rateCardOf(tenantId, { cancellationFeeCents: 333, vatRateBasisPoints: 2000 });
    table.on(TransactWriteCommand).resolves({});

    const answer = await cancelDelivery(principal, delivery.id, undefined, 'fr', now);

    const fee = { currency: 'EUR', net: 333, vat: 67, gross: 400 };
    expect(answer.cancellation).toEqual({ reason: null, at: now.toISOString(), fee });
    expect(written(transactions()[0]!).delivery.cancellation).toEqual({ reason: null, at: now.toISOString(), fee });
  });

  it('rounds a VAT of exactly half a cent up: 0.45 € at 10 % is 0.05 € of VAT', async () => {
    const { tenantId, principal } = aTenant();
    stored(deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z']], { tenantId }));
    rateCardOf(tenantId, { cancellationFeeCents: 45, vatRateBasisPoints: 1000 });
    table.on(TransactWriteCommand).resolves({});
    expect((await cancelDelivery(principal, sampleDelivery().id, undefined, 'fr', now)).cancellation?.fee).toEqual({ currency: 'EUR', net: 45, vat: 5, gross: 50 });
  });

  /** Any fee and rate, and often one whose VAT is an exact half cent (the case rounding decides). */
  const feeAndRate = fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 10_000 })),
    fc.integer({ min: 0, max: 99_999 }).map((k): [number, number] => [10 * k + 5, 1000]), // x.5 cents at 10 %
    fc.integer({ min: 0, max: 249_999 }).map((k): [number, number] => [4 * k + 2, 2500]), // x.5 cents at 25 %
  );

  it('charges any fee with its VAT rounded to the nearest cent, halves up', async () => {
    await fc.assert(
      fc.asyncProperty(feeAndRate, async ([net, basisPoints]) => {
        table.reset();
        const { tenantId, principal } = aTenant();
        stored(deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z']], { tenantId }));
        rateCardOf(tenantId, { cancellationFeeCents: net, vatRateBasisPoints: basisPoints });
        table.on(TransactWriteCommand).resolves({});
        const fee = (await cancelDelivery(principal, sampleDelivery().id, undefined, 'fr', now)).cancellation?.fee;
        // vat is within half a cent of net × rate, and an exact half goes up: in hundredths of a
        // basis point, -5000 < vat × 10 000 − net × rate ≤ 5000.
        const difference = fee!.vat * 10_000 - net * basisPoints;
        expect(Number.isInteger(fee!.vat)).toBe(true);
        expect(difference).toBeGreaterThan(-5000);
        expect(difference).toBeLessThanOrEqual(5000);
        expect(fee).toEqual({ currency: 'EUR', net, vat: fee!.vat, gross: net + fee!.vat });
      }),
      { numRuns: 150 },
    );
  });

  it('after assignment with no fee on the rate card records no fee (not a zero one)', async () => {
    const { tenantId, principal } = aTenant();
    stored(deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z']], { tenantId }));
    rateCardOf(tenantId, { cancellationFeeCents: 0 });
    table.on(TransactWriteCommand).resolves({});
    expect((await cancelDelivery(principal, sampleDelivery().id, undefined, 'fr', now)).cancellation?.fee).toBeNull();
  });

  it('gives the slot unit back in the same transaction', async () => {
    const { tenantId, principal } = aTenant();
    const slot = { id: 'slt_01JDQ6V7M5B8XK2ZQ3W4E5R6T1', date: '2026-11-27', start: '09:00', end: '11:00' };
    stored(sampleDelivery({ tenantId, slot }));
    table.on(TransactWriteCommand).resolves({});
    await cancelDelivery(principal, sampleDelivery().id, undefined, 'fr', now);
    const [items] = transactions();
    const slotUpdates = items!.filter((item) => JSON.stringify(item.Update?.Key) === JSON.stringify(slots.key(slot)));
    expect(slotUpdates).toHaveLength(1);
    expect(slotUpdates[0]!.Update!.ExpressionAttributeValues).toMatchObject({ ':one': 1 });
    expect(slotUpdates[0]!.Update!.UpdateExpression).toMatch(/#taken = #taken - :one/);
  });

  it('twice answers the cancelled delivery unchanged, and writes nothing', async () => {
    const { tenantId, principal } = aTenant();
    const cancelled = deliveryThrough([['cancelled', '2026-11-26T09:00:00.000Z']], {
      tenantId,
      courierId: null,
      version: 2,
      cancellation: { reason: 'Client absent', at: '2026-11-26T09:00:00.000Z', fee: null },
    });
    stored(cancelled);
    const answer = await cancelDelivery(principal, cancelled.id, 'Autre raison', 'fr', now);
    expect(answer).toMatchObject({ status: 'cancelled', version: 2, cancellation: { reason: 'Client absent', at: '2026-11-26T09:00:00.000Z' } });
    expect(writes()).toBe(0);
  });

  it('is refused once the parcel is picked up (409 invalid_transition), and writes nothing', async () => {
    const { tenantId, principal } = aTenant();
    stored(deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z'], ['picked_up', '2026-11-26T09:30:00.000Z']], { tenantId }));
    const error = await refusal(cancelDelivery(principal, sampleDelivery().id, undefined, 'fr', now));
    expect([error.code, error.status]).toEqual(['invalid_transition', 409]);
    expect(writes()).toBe(0);
  });

  it('that lost a race to an assignment is decided again on the assigned delivery: it then charges the fee', async () => {
    const { tenantId, principal } = aTenant();
    const booked = sampleDelivery({ tenantId });
    const assigned = deliveryThrough([['assigned', '2026-11-26T10:14:59.000Z']], { tenantId, version: 2 });
    stored(booked, assigned);
    rateCardOf(tenantId, { cancellationFeeCents: 500, vatRateBasisPoints: 2000 });
    const versionMoved = new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
    });
    table.on(TransactWriteCommand).rejectsOnce(versionMoved).resolves({});
    // The retry reads the clock again: it is decided at its own time, not the first attempt's.
    const retriedAt = new Date(now.getTime() + 250);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(retriedAt);

    const answer = await cancelDelivery(principal, booked.id, undefined, 'fr', now);

    expect(answer.cancellation).toEqual({ reason: null, at: retriedAt.toISOString(), fee: { currency: 'EUR', net: 500, vat: 100, gross: 600 } });
    const [first, second] = transactions();
    expect(written(first!).condition.ExpressionAttributeValues).toEqual({ ':previous': 1 });
    expect(written(second!).condition.ExpressionAttributeValues).toEqual({ ':previous': 2 });
    expect(written(second!).delivery).toMatchObject({ status: 'cancelled', version: 3, timeline: [...assigned.timeline, { status: 'cancelled', at: retriedAt.toISOString() }] });
    // The second read is consistent: an eventually consistent one could return the version that lost.
    expect(table.commandCalls(GetCommand).map((call) => call.args[0].input.ConsistentRead)).toEqual([false, true]);
  });
});

describe('a courier report', () => {
  const assigned = () => deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z']], { version: 2 });
  const pickedUp = () => deliveryThrough([['assigned', '2026-11-26T09:00:00.000Z'], ['picked_up', '2026-11-26T09:30:00.000Z']], { version: 3 });

  it('repeated (a phone retrying) answers the delivery unchanged and writes nothing', async () => {
    const delivery = pickedUp();
    stored(delivery);
    const answer = await recordCourierEvent(courier, delivery.id, { type: 'picked_up' }, 'fr', now);
    expect(answer).toMatchObject({ status: 'picked_up', version: 3, timeline: delivery.timeline });
    expect(writes()).toBe(0);
  });

  it('with `at` more than 2 minutes ahead of the server is refused (400 on `at`) before anything is read', async () => {
    stored(assigned());
    const at = new Date(now.getTime() + 2 * 60_000 + 1).toISOString();
    const error = await refusal(recordCourierEvent(courier, assigned().id, { type: 'picked_up', at }, 'fr', now));
    expect([error.code, error.status, error.param]).toEqual(['parameter_invalid', 400, 'at']);
    expect(table.calls()).toHaveLength(0);
  });

  it('with `at` up to 2 minutes ahead (a phone whose clock runs fast) is recorded at that time', async () => {
    stored(assigned());
    table.on(TransactWriteCommand).resolves({});
    const at = new Date(now.getTime() + 2 * 60_000).toISOString();
    const answer = await recordCourierEvent(courier, assigned().id, { type: 'picked_up', at }, 'fr', now);
    expect(answer.timeline.at(-1)).toEqual({ status: 'picked_up', at });
    const { delivery, events } = written(transactions()[0]!);
    expect(delivery).toMatchObject({ status: 'picked_up', version: 3 });
    expect(events.map((event) => event.type)).toEqual(['delivery.picked_up']);
  });

  it('out of order (delivered before pickup) is a 409 and writes nothing', async () => {
    stored(assigned());
    const error = await refusal(recordCourierEvent(courier, assigned().id, { type: 'delivered', proof: { recipientName: 'Camille' } }, 'fr', now));
    expect([error.code, error.status]).toEqual(['invalid_transition', 409]);
    expect(writes()).toBe(0);
  });
});

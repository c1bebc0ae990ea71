import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestApi, type TestApi } from '../helpers/runtime.js';
import { futureDate, quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

let api: TestApi;
let actors: Actors;
const asTenant = (options: Record<string, unknown> = {}) => ({ key: actors.tenantKey, ...options });
const asCourier = (options: Record<string, unknown> = {}) => ({ key: actors.courier.key, ...options });
const book = async (extra: Record<string, unknown> = {}, key = actors.tenantKey) => {
  const response = await api.call('POST', '/v1/deliveries', { key, body: { ...quoteBody(), ...extra } });
  if (response.status !== 201) throw new Error(response.text);
  return response.json;
};
const event = (id: string, body: Record<string, unknown>, key = actors.courier.key) => api.call('POST', `/v1/courier/deliveries/${id}/events`, { key, body });
const assign = (id: string, courierId: string) => api.call('POST', `/v1/hub/deliveries/${id}/assign`, { body: { courierId } });

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Today's date in Paris (en-CA writes YYYY-MM-DD). */
const parisToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
const plusDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
/** The same day some years later; February 29th becomes the 28th. */
function plusYears(date: string, years: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const lastOfMonth = new Date(Date.UTC(year + years, month, 0)).getUTCDate();
  return new Date(Date.UTC(year + years, month - 1, Math.min(day, lastOfMonth))).toISOString().slice(0, 10);
}
/** The next last Sunday of March (clocks go forward) or October (clocks go back) after today. */
function nextClockChange(month: 3 | 10): string {
  for (let year = Number(parisToday().slice(0, 4)); ; year += 1) {
    const last = new Date(Date.UTC(year, month, 0));
    const sunday = new Date(last.getTime() - last.getUTCDay() * DAY_MS).toISOString().slice(0, 10);
    if (sunday > parisToday()) return sunday;
  }
}

beforeAll(async () => {
  api = await startTestApi();
  actors = await setUpActors(api);
});
afterAll(() => api?.stop());

describe('pickup slots', () => {
  const date = futureDate(3);

  it('lets the admin set a day and tenants see what remains', async () => {
    const put = await api.call('PUT', `/v1/hub/slots/${date}`, { body: { slots: [{ start: '09:00', end: '11:00', capacity: 3 }, { start: '14:00', end: '16:00', capacity: 5 }] } });
    expect(put.status).toBe(200);
    expect(put.json.data).toHaveLength(2);
    const [morning] = put.json.data;
    expect(morning).toMatchObject({ date, start: '09:00', end: '11:00', capacity: 3, remaining: 3, id: expect.stringMatching(/^slt_/) });
    // 09:00 in Paris is 08:00 or 07:00 UTC depending on the season.
    expect(['07:00', '08:00']).toContain(morning.startsAt.slice(11, 16));
    const listed = await api.call('GET', `/v1/slots?date=${date}`, asTenant());
    expect(listed.json.data).toEqual(put.json.data);
  });

  it('gives exactly 3 bookings and 47 slot_full to a rush of 50 on a 3-unit slot', async () => {
    const slot = (await api.call('GET', `/v1/slots?date=${date}`, asTenant())).json.data[0];
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) => api.call('POST', '/v1/deliveries', asTenant({ body: { ...quoteBody(), kind: 'pickup', slotId: slot.id, reference: `RUSH-${index}` } }))),
    );
    const booked = responses.filter((response) => response.status === 201);
    expect(booked).toHaveLength(3);
    const refused = responses.filter((response) => response.status !== 201);
    expect(refused).toHaveLength(47);
    for (const response of refused) expect(expectError(response, 409, 'slot_full').param).toBe('slotId');
    for (const response of booked) {
      expect(response.json.slot).toMatchObject({ id: slot.id, date, start: '09:00', end: '11:00' });
      expect(response.json.pickup.window).toEqual({ start: slot.startsAt, end: slot.endsAt });
    }
    expect((await api.call('GET', `/v1/slots?date=${date}`, asTenant())).json.data[0].remaining).toBe(0);
    const rushed = (await api.call('GET', '/v1/deliveries?limit=100', asTenant())).json.data.filter((delivery: { reference: string }) => delivery.reference?.startsWith('RUSH-'));
    expect(rushed).toHaveLength(3);

    // Cancelling gives the unit back.
    await api.call('POST', `/v1/deliveries/${booked[0]?.json.id}/cancel`, asTenant({ body: { reason: 'donor away' } }));
    expect((await api.call('GET', `/v1/slots?date=${date}`, asTenant())).json.data[0].remaining).toBe(1);
  });

  it('keeps bookings when the day is edited, and refuses to drop below them', async () => {
    const before = (await api.call('GET', `/v1/slots?date=${date}`)).json.data;
    const error = expectError(await api.call('PUT', `/v1/hub/slots/${date}`, { body: { slots: [{ start: '09:00', end: '11:00', capacity: 1 }] } }), 409, 'slot_has_bookings');
    expect(error.param).toBe('slots[0].capacity');
    expectError(await api.call('PUT', `/v1/hub/slots/${date}`, { body: { slots: [{ start: '14:00', end: '16:00', capacity: 5 }] } }), 409, 'slot_has_bookings');
    const after = await api.call('PUT', `/v1/hub/slots/${date}`, { body: { slots: [{ start: '09:00', end: '11:00', capacity: 4 }] } });
    expect(after.status).toBe(200);
    expect(after.json.data).toEqual([{ ...before[0], capacity: 4, remaining: 2 }]);
  });

  it.each([
    ['an unknown slot', { slotId: 'slt_01JDQ6V7M5B8XK2ZQ3W4E5R6T7' }, 404, 'resource_missing', 'slotId'],
    ['a malformed slot id', { slotId: "slt_'; DROP" }, 404, 'resource_missing', 'slotId'],
    ['a window beside a slot', { slotId: 'slt_01JDQ6V7M5B8XK2ZQ3W4E5R6T7', pickup: { ...quoteBody().pickup, window: { start: new Date(Date.now() + 3600e3).toISOString(), end: new Date(Date.now() + 7200e3).toISOString() } } }, 400, 'parameter_invalid', 'pickup.window'],
  ])('refuses %s', async (_name, extra, status, code, param) => {
    expect(expectError(await api.call('POST', '/v1/deliveries', asTenant({ body: { ...quoteBody(), ...extra } })), status, code).param).toBe(param);
  });

  it.each([
    ['a date in the past', '2020-01-01', { slots: [] }, 'date'],
    ['an impossible date', '2031-02-30', { slots: [] }, 'date'],
    ['an end before the start', futureDate(4), { slots: [{ start: '11:00', end: '09:00', capacity: 1 }] }, 'slots[0].end'],
    ['a time that is not HH:MM', futureDate(4), { slots: [{ start: '9h', end: '11:00', capacity: 1 }] }, 'slots[0].start'],
    ['a negative capacity', futureDate(4), { slots: [{ start: '09:00', end: '11:00', capacity: -1 }] }, 'slots[0].capacity'],
  ])('refuses slots with %s', async (_name, day, body, param) => {
    expect(expectError(await api.call('PUT', `/v1/hub/slots/${day}`, { body }), 400, 'parameter_invalid').param).toBe(param);
  });

  it('is the admin\'s to set', async () => {
    expectError(await api.call('PUT', `/v1/hub/slots/${futureDate(5)}`, asTenant({ body: { slots: [] } })), 403, 'forbidden');
  });

  it('refuses a time the clocks skip when they go forward, saying why, and stores nothing', async () => {
    const night = nextClockChange(3);
    const skipped = await api.call('PUT', `/v1/hub/slots/${night}`, { body: { slots: [{ start: '09:00', end: '11:00', capacity: 2 }, { start: '02:00', end: '03:00', capacity: 2 }] } });
    const error = expectError(skipped, 400, 'parameter_invalid');
    expect(error.param).toBe('slots[1].start');
    expect(error.message).toBe(`slots[1].start is 02:00, which does not exist on ${night} in Europe/Paris: clocks go forward from 02:00 to 03:00.`);
    const end = expectError(await api.call('PUT', `/v1/hub/slots/${night}`, { body: { slots: [{ start: '01:00', end: '02:30', capacity: 2 }] } }), 400, 'parameter_invalid');
    expect(end.param).toBe('slots[0].end');
    expect(end.message).toContain(`02:30, which does not exist on ${night}`);
    expect((await api.call('GET', `/v1/slots?date=${night}`, asTenant())).json.data).toEqual([]);

    // Across the jump (UTC+1 until 02:00, UTC+2 from 03:00), a slot lasts the one hour that really passes.
    const across = await api.call('PUT', `/v1/hub/slots/${night}`, { body: { slots: [{ start: '01:30', end: '03:30', capacity: 2 }] } });
    expect(across.status).toBe(200);
    expect(across.json.data[0]).toMatchObject({ startsAt: `${night}T00:30:00.000Z`, endsAt: `${night}T01:30:00.000Z` });
  });

  it('gives slots on the night clocks go back their real duration, a repeated time meaning its first occurrence (summer time)', async () => {
    const night = nextClockChange(10);
    const put = await api.call('PUT', `/v1/hub/slots/${night}`, { body: { slots: [{ start: '01:30', end: '03:30', capacity: 2 }, { start: '02:00', end: '02:30', capacity: 2 }] } });
    expect(put.status, put.text).toBe(200);
    const [across, repeated] = put.json.data;
    // Paris is UTC+2 until 03:00 summer time, UTC+1 after: 01:30 to 03:30 is three hours.
    expect(across).toMatchObject({ start: '01:30', end: '03:30', startsAt: `${plusDays(night, -1)}T23:30:00.000Z`, endsAt: `${night}T02:30:00.000Z` });
    expect(Date.parse(across.endsAt) - Date.parse(across.startsAt)).toBe(3 * HOUR_MS);
    expect(repeated).toMatchObject({ start: '02:00', end: '02:30', startsAt: `${night}T00:00:00.000Z`, endsAt: `${night}T00:30:00.000Z` });
  });

  it('refuses a day more than two years ahead, saying the allowed range, and lists such a day as empty', async () => {
    const today = parisToday();
    const last = plusYears(today, 2);
    for (const day of ['9999-12-31', plusDays(last, 1)]) {
      const error = expectError(await api.call('PUT', `/v1/hub/slots/${day}`, { body: { slots: [{ start: '09:00', end: '11:00', capacity: 1 }] } }), 400, 'parameter_invalid');
      expect(error.param).toBe('date');
      expect(error.message).toBe(`date ${day} is more than 2 years ahead: slots can be set from ${today} (today in Paris) to ${last}.`);
    }
    expect((await api.call('PUT', `/v1/hub/slots/${last}`, { body: { slots: [{ start: '09:00', end: '11:00', capacity: 1 }] } })).status).toBe(200);
    // Reading is not held to the range: a far day simply has no slots.
    const far = await api.call('GET', '/v1/slots?date=9999-12-31', asTenant());
    expect(far.status).toBe(200);
    expect(far.json.data).toEqual([]);
  });
});

describe('assignment and courier events', () => {
  it('runs a delivery through its states, with a timeline and an event per transition', async () => {
    const delivery = await book();
    expect(expectError(await assign(delivery.id, 'cou_01JDQ6V7M5B8XK2ZQ3W4E5R6T7'), 404, 'resource_missing').param).toBe('courierId');
    const assigned = await assign(delivery.id, actors.courier.id);
    expect(assigned.json).toMatchObject({ status: 'assigned', courierId: actors.courier.id });

    const tasks = (await api.call('GET', '/v1/courier/deliveries', asCourier())).json.data.map((task: { id: string }) => task.id);
    expect(tasks).toContain(delivery.id);
    expect((await api.call('GET', '/v1/courier/deliveries', { key: actors.otherCourier.key })).json.data.map((task: { id: string }) => task.id)).not.toContain(delivery.id);

    expect((await event(delivery.id, { type: 'picked_up' })).json.status).toBe('picked_up');
    const moved = await event(delivery.id, { type: 'position', position: { lat: 45.42, lng: 4.35 } });
    expect(moved.json.lastPosition).toMatchObject({ lat: 45.42, lng: 4.35 });
    expect(moved.json.status).toBe('picked_up');
    const done = await event(delivery.id, { type: 'delivered', proof: { recipientName: 'C. Martin', note: 'Laissé au gardien' } });
    expect(done.json).toMatchObject({ status: 'delivered', proof: { recipientName: 'C. Martin', note: 'Laissé au gardien' } });
    expect(done.json.timeline.map((entry: { status: string }) => entry.status)).toEqual(['booked', 'assigned', 'picked_up', 'delivered']);

    expect((await api.call('GET', '/v1/courier/deliveries', asCourier())).json.data.map((task: { id: string }) => task.id)).not.toContain(delivery.id);
    await api.runtime.settle();
    const trail = (await api.call('GET', `/v1/tenants/${actors.tenantId}/events?limit=100`)).json.data.filter((entry: { data: { id?: string } }) => entry.data.id === delivery.id);
    expect(trail.map((entry: { type: string }) => entry.type).reverse()).toEqual(['delivery.booked', 'delivery.assigned', 'delivery.picked_up', 'delivery.delivered']);
    expect(trail[0].data).toMatchObject({ id: delivery.id, status: 'delivered' });
  });

  it('answers out-of-order events with 409 and repeated ones with the delivery unchanged', async () => {
    const delivery = await book();
    expectError(await event(delivery.id, { type: 'picked_up' }), 404, 'resource_missing'); // not assigned to anyone yet
    await assign(delivery.id, actors.courier.id);
    expectError(await event(delivery.id, { type: 'delivered' }), 409, 'invalid_transition');
    const first = await event(delivery.id, { type: 'picked_up' });
    const repeat = await event(delivery.id, { type: 'picked_up' });
    expect(repeat.status).toBe(200);
    expect(repeat.json.version).toBe(first.json.version);
    expect(expectError(await event(delivery.id, { type: 'failed' }), 400, 'parameter_missing').param).toBe('reason');
    expect(expectError(await event(delivery.id, { type: 'position' }), 400, 'parameter_missing').param).toBe('position');
    expect(expectError(await event(delivery.id, { type: 'picked_up', at: new Date(Date.now() + 3600e3).toISOString() }), 400, 'parameter_invalid').param).toBe('at');
    expect(expectError(await event(delivery.id, { type: 'delivered', at: '2020-01-01T00:00:00Z' }), 400, 'parameter_invalid').param).toBe('at');
    const failed = await event(delivery.id, { type: 'failed', reason: 'Nobody home, building locked' });
    expect(failed.json).toMatchObject({ status: 'failed', failureReason: 'Nobody home, building locked' });
    expectError(await event(delivery.id, { type: 'delivered' }), 409, 'invalid_transition');
    expectError(await event(delivery.id, { type: 'position', position: { lat: 45.4, lng: 4.4 } }), 409, 'invalid_transition');
  });

  it('never shows a courier another courier\'s delivery, and follows a re-assignment', async () => {
    const delivery = await book();
    await assign(delivery.id, actors.courier.id);
    expectError(await event(delivery.id, { type: 'picked_up' }, actors.otherCourier.key), 404, 'resource_missing');
    const reassigned = await assign(delivery.id, actors.otherCourier.id);
    expect(reassigned.json.courierId).toBe(actors.otherCourier.id);
    // The first courier had it: its step (queued on a phone, say) is refused in clear (issue 16).
    expectError(await event(delivery.id, { type: 'picked_up' }), 409, 'not_on_round');
    expect((await api.call('GET', '/v1/courier/deliveries', asCourier())).json.data.map((task: { id: string }) => task.id)).not.toContain(delivery.id);
    expect((await event(delivery.id, { type: 'picked_up' }, actors.otherCourier.key)).json.status).toBe('picked_up');
    expectError(await assign(delivery.id, actors.courier.id), 409, 'invalid_transition');
  });

  it('loses no update when a courier and the tenant act on the same delivery at once', async () => {
    for (let round = 0; round < 5; round += 1) {
      const delivery = await book();
      await assign(delivery.id, actors.courier.id);
      const [pickup, cancel] = await Promise.all([event(delivery.id, { type: 'picked_up' }), api.call('POST', `/v1/deliveries/${delivery.id}/cancel`, asTenant({ body: {} }))]);
      const final = (await api.call('GET', `/v1/deliveries/${delivery.id}`, asTenant())).json;
      const statuses = final.timeline.map((entry: { status: string }) => entry.status);
      if (pickup.status === 200) {
        expectError(cancel, 409, 'invalid_transition');
        expect(final.status).toBe('picked_up');
        expect(statuses).toEqual(['booked', 'assigned', 'picked_up']);
      } else {
        expect(cancel.status).toBe(200);
        expectError(pickup, 409, 'invalid_transition');
        expect(final.status).toBe('cancelled');
        expect(statuses).toEqual(['booked', 'assigned', 'cancelled']);
      }
    }
  });
});

describe('cancellation', () => {
  it('is free before assignment, idempotent, and impossible after pickup', async () => {
    const delivery = await book();
    const cancelled = await api.call('POST', `/v1/deliveries/${delivery.id}/cancel`, asTenant({ body: { reason: 'Client annulé' } }));
    expect(cancelled.json).toMatchObject({ status: 'cancelled', cancellation: { reason: 'Client annulé', fee: null } });
    const again = await api.call('POST', `/v1/deliveries/${delivery.id}/cancel`, asTenant({ body: {} }));
    expect(again.status).toBe(200);
    expect(again.json).toEqual(cancelled.json);

    const picked = await book();
    await assign(picked.id, actors.courier.id);
    await event(picked.id, { type: 'picked_up' });
    expectError(await api.call('POST', `/v1/deliveries/${picked.id}/cancel`, asTenant({ body: {} })), 409, 'invalid_transition');
    expectError(await api.call('POST', `/v1/deliveries/${picked.id}/cancel`, { key: actors.otherTenantKey, body: {} }), 404, 'resource_missing');
  });

  it('charges the tenant\'s cancellation fee after assignment, with VAT, and records it', async () => {
    const card = (await api.call('GET', `/v1/tenants/${actors.tenantId}/rate-card`)).json;
    expect(card.source).toBe('hub');
    const { object: _object, source: _source, tenantId: _tenantId, ...rates } = card;
    const put = await api.call('PUT', `/v1/tenants/${actors.tenantId}/rate-card`, { body: { ...rates, cancellationFeeCents: 500 } });
    expect(put.json).toMatchObject({ source: 'tenant', cancellationFeeCents: 500 });

    const free = await book();
    expect((await api.call('POST', `/v1/deliveries/${free.id}/cancel`, asTenant({ body: {} }))).json.cancellation.fee).toBeNull();

    const delivery = await book();
    await assign(delivery.id, actors.courier.id);
    const cancelled = await api.call('POST', `/v1/deliveries/${delivery.id}/cancel`, asTenant({ body: {} }));
    expect(cancelled.json.cancellation.fee).toEqual({ currency: 'EUR', net: 500, vat: 100, gross: 600 });
    await api.runtime.settle();
    const trail = (await api.call('GET', `/v1/tenants/${actors.tenantId}/events?limit=100`)).json.data;
    const event = trail.find((entry: { type: string; data: { id?: string } }) => entry.type === 'delivery.cancelled' && entry.data.id === delivery.id);
    expect(event.data.cancellation.fee.net).toBe(500);

    // The other tenant keeps the hub's rates.
    expect((await api.call('GET', `/v1/tenants/${actors.otherTenantId}/rate-card`)).json.cancellationFeeCents).toBe(0);
    expectError(await api.call('GET', `/v1/tenants/${actors.otherTenantId}/rate-card`, asTenant()), 404, 'resource_missing');
  });
});

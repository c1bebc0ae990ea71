import Holidays from 'date-holidays';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestApi, type TestApi } from '../helpers/runtime.js';
import { quoteBody, setUpActors, type Actors } from '../helpers/scenario.js';

/**
 * Issue 18, standing orders, through real HTTP into DynamoDB Local: a canteen's order on
 * Mon/Tue/Thu/Fri over a month with a public holiday and a school-holiday closure, the daily run
 * repeated and run concurrently (one delivery per date), skips, restores, a changed day, edits,
 * pause/resume/end, a full slot (a failed occurrence, its webhook event and its e-mail), and the
 * bad RRULEs and closures refused.
 */
let api: TestApi;
let actors: Actors;

const DAY = 86_400_000;
const parisToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
const plusDays = (date: string, days: number) => new Date(Date.parse(`${date}T12:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const weekday = (date: string) => new Date(`${date}T12:00:00Z`).getUTCDay();
const today = parisToday();

/** The oracle: France's national public holidays from the library itself (type public, no region). */
const holidays = new Holidays('FR');
const isPublicHoliday = (date: string) => (holidays.isHoliday(new Date(`${date}T12:00:00`)) || []).some((holiday) => holiday.type === 'public');
const canteenDay = (date: string) => [1, 2, 4, 5].includes(weekday(date));

/**
 * A month from tomorrow on, moved so that it holds a public holiday on a canteen day when one
 * comes within 50 days (there is one most of the year), and a school-holiday week inside it.
 */
function canteenMonth(): { start: string; end: string; holiday: string | undefined; closure: { start: string; end: string } } {
  let holiday: string | undefined;
  for (let offset = 8; offset <= 50 && !holiday; offset += 1) {
    const date = plusDays(today, offset);
    if (canteenDay(date) && isPublicHoliday(date)) holiday = date;
  }
  const start = holiday ? plusDays(holiday, -7) : plusDays(today, 1);
  const end = plusDays(start, 30);
  // A school-holiday week away from the holiday.
  const closureStart = holiday ? plusDays(holiday, 7) : plusDays(start, 10);
  return { start, end, holiday, closure: { start: closureStart, end: plusDays(closureStart, 6) } };
}

const month = canteenMonth();
const closureReason = 'Vacances scolaires (zone A)';
const expectedDates = (() => {
  const dates: string[] = [];
  for (let date = month.start; date <= month.end; date = plusDays(date, 1)) {
    if (!canteenDay(date) || isPublicHoliday(date)) continue;
    if (date >= month.closure.start && date <= month.closure.end) continue;
    dates.push(date);
  }
  return dates;
})();

const order = (overrides: Record<string, unknown> = {}) => ({
  reference: 'Cantine école Jules Ferry',
  dropoff: { ...quoteBody().dropoff, instructions: 'Livraison par la cour, côté cuisine' },
  parcels: [{ weightKg: 12, description: 'Légumes bio' }],
  window: { start: '09:30', end: '11:00' },
  rrule: 'RRULE:FREQ=WEEKLY;BYDAY=MO,TU,TH,FR',
  startDate: month.start,
  endDate: month.end,
  ...overrides,
});

const create = async (body: Record<string, unknown>) => {
  const response = await api.call('POST', '/v1/standing-orders', { key: actors.tenantKey, body });
  if (response.status !== 201) throw new Error(response.text);
  return response.json as { id: string; status: string; version: number };
};
const run = (horizonDays = 80) => api.call('POST', '/v1/hub/standing-orders/run', { body: { horizonDays } });
const occurrencesOf = async (id: string, from = month.start, to = month.end) => {
  const response = await api.call('GET', `/v1/standing-orders/${id}/occurrences?from=${from}&to=${to}`, { key: actors.tenantKey });
  expect(response.status, response.text).toBe(200);
  return response.json.data as Array<{ date: string; state: string; deliveryId: string | null; deliveryStatus: string | null; reason: { code: string; label: string } | null; override: Record<string, unknown> | null; window: { start: string; end: string } }>;
};

/** Every delivery of the tenant booked for a standing order, through the public list. */
async function deliveriesOf(orderId: string): Promise<Array<{ id: string; status: string; standingOrder: { id: string; date: string }; dropoff: { window: { start: string; end: string }; instructions?: string }; parcels: Array<{ weightKg: number }> }>> {
  const found = [];
  let cursor: string | undefined;
  do {
    const page = await api.call('GET', `/v1/deliveries?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key: actors.tenantKey });
    found.push(...page.json.data);
    cursor = page.json.nextCursor ?? undefined;
  } while (cursor);
  return found.filter((delivery: { standingOrder?: { id: string } | null }) => delivery.standingOrder?.id === orderId);
}

const perDate = (list: Array<{ standingOrder: { date: string }; status: string }>) => {
  const counts: Record<string, number> = {};
  for (const delivery of list.filter((entry) => entry.status !== 'cancelled')) counts[delivery.standingOrder.date] = (counts[delivery.standingOrder.date] ?? 0) + 1;
  return counts;
};

beforeAll(async () => {
  api = await startTestApi();
  actors = await setUpActors(api);
});
afterAll(() => api?.stop());

describe('closures', () => {
  it('keeps the tenant’s and the hub’s, and refuses one that ends before it starts, naming it', async () => {
    const bad = await api.call('PUT', '/v1/closures', { key: actors.tenantKey, body: { closures: [{ start: '2027-07-01', end: '2027-07-10', reason: 'Été' }, { start: '2027-08-10', end: '2027-08-01', reason: 'À l’envers' }] } });
    expect(expectError(bad, 400, 'parameter_invalid').param).toBe('closures[1].end');
    const put = await api.call('PUT', '/v1/closures', { key: actors.tenantKey, body: { closures: [{ ...month.closure, reason: closureReason }] } });
    expect(put.status, put.text).toBe(200);
    expect(put.json).toMatchObject({ object: 'closure_list', scope: 'tenant', tenantId: actors.tenantId, closures: [{ ...month.closure, reason: closureReason, id: expect.stringMatching(/^cls_/) }] });
    expect((await api.call('GET', '/v1/closures', { key: actors.tenantKey })).json.closures).toHaveLength(1);
    // The other tenant has none.
    expect((await api.call('GET', '/v1/closures', { key: actors.otherTenantKey })).json.closures).toEqual([]);
    // The hub's: admin only.
    expect((await api.call('GET', '/v1/hub/closures', { key: actors.tenantKey })).status).toBe(403);
    const hub = await api.call('PUT', '/v1/hub/closures', { body: { closures: [{ start: '2030-08-01', end: '2030-08-20', reason: 'Fermeture estivale du hub' }] } });
    expect(hub.json).toMatchObject({ scope: 'hub', closures: [{ reason: 'Fermeture estivale du hub' }] });
    expect(expectError(await api.call('PUT', '/v1/hub/closures', { body: { closures: [{ start: '2030-08-20', end: '2030-08-01', reason: 'x' }] } }), 400, 'parameter_invalid').param).toBe('closures[0].end');
  });
});

describe('bad input', () => {
  it('refuses bad RRULEs with a clear 400 naming rrule, and an end before the start', async () => {
    const cases: Array<[string, string]> = [
      ['FREQ=SOMETIMES', 'rrule_invalid'],
      ['this is not a rule', 'rrule_invalid'],
      ['FREQ=DAILY;DTSTART=20270101T000000Z', 'rrule_invalid'],
      ['FREQ=HOURLY', 'rrule_too_frequent'],
      ['FREQ=DAILY;BYHOUR=8,14', 'rrule_too_frequent'],
      ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', 'rrule_empty'],
      ['FREQ=WEEKLY;UNTIL=20200101', 'rrule_empty'],
      ['FREQ=DAILY;COUNT=0', 'rrule_empty'],
    ];
    for (const [rrule, code] of cases) {
      const response = await api.call('POST', '/v1/standing-orders', { key: actors.tenantKey, body: order({ rrule }) });
      const error = expectError(response, 400, code);
      expect(error.param, rrule).toBe('rrule');
      expect(error.message.length).toBeGreaterThan(20);
      // The preview refuses the same.
      expectError(await api.call('POST', '/v1/standing-orders/preview', { key: actors.tenantKey, body: order({ rrule }) }), 400, code);
    }
    expect(expectError(await api.call('POST', '/v1/standing-orders', { key: actors.tenantKey, body: order({ endDate: plusDays(month.start, -1) }) }), 400, 'parameter_invalid').param).toBe('endDate');
    expect(expectError(await api.call('POST', '/v1/standing-orders', { key: actors.tenantKey, body: order({ closures: [{ start: '2027-01-10', end: '2027-01-02', reason: 'x' }] }) }), 400, 'parameter_invalid').param).toBe('closures[0].end');
    expect(expectError(await api.call('POST', '/v1/standing-orders', { key: actors.tenantKey, body: order({ window: { start: '11:00', end: '09:00' } }) }), 400, 'parameter_invalid').param).toBe('window.end');
    // Nothing was created.
    expect((await api.call('GET', '/v1/standing-orders', { key: actors.tenantKey })).json.data).toEqual([]);
  });

  it('accepts an endless rule with no end date: only the horizon is booked', async () => {
    const preview = await api.call('POST', '/v1/standing-orders/preview', { key: actors.tenantKey, body: order({ rrule: 'FREQ=DAILY', endDate: null, startDate: plusDays(today, 1), count: 5 }) });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.json.data).toHaveLength(5);
    expect(preview.json.hasMore).toBe(true);
  });
});

describe('a canteen’s standing order', () => {
  let orderId: string;

  it('previews the month with the skipped days and their reasons, writing nothing', async () => {
    const preview = await api.call('POST', '/v1/standing-orders/preview', { key: actors.tenantKey, body: order({ until: month.end }) });
    expect(preview.status, preview.text).toBe(200);
    const bookable = preview.json.data.filter((day: { bookable: boolean }) => day.bookable).map((day: { date: string }) => day.date);
    expect(bookable).toEqual(expectedDates.filter((date) => date >= plusDays(today, 0)));
    if (month.holiday) expect(preview.json.data.find((day: { date: string }) => day.date === month.holiday).reason).toMatchObject({ code: 'public_holiday', label: expect.any(String) });
    const closed = preview.json.data.find((day: { date: string; reason: { code: string } | null }) => day.reason?.code === 'closure');
    expect(closed.reason.label).toBe(closureReason);
    expect((await api.call('GET', '/v1/standing-orders', { key: actors.tenantKey })).json.data).toEqual([]);
  });

  it('books each day exactly once, however often and however concurrently the run goes', async () => {
    orderId = (await create(order())).id;
    expect(orderId).toMatch(/^sto_/);
    for (let index = 0; index < 3; index += 1) {
      const response = await run();
      expect(response.status, response.text).toBe(200);
      expect(response.json).toMatchObject({ object: 'standing_order_run', failed: 0 });
    }
    const concurrent = await Promise.all([run(), run(), run()]);
    for (const response of concurrent) expect(response.status, response.text).toBe(200);
    // The last runs found every day booked already.
    expect(concurrent.every((response) => response.json.booked === 0)).toBe(true);

    const booked = await deliveriesOf(orderId);
    const counts = perDate(booked);
    expect(Object.keys(counts).sort()).toEqual(expectedDates);
    expect(Object.values(counts).every((count) => count === 1)).toBe(true);
    expect(booked).toHaveLength(expectedDates.length);
    if (month.holiday) expect(counts[month.holiday]).toBeUndefined();
    // Each delivery at the order's window on its own day, Paris time.
    const first = booked.find((delivery) => delivery.standingOrder.date === expectedDates[0]);
    expect(new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(new Date(first?.dropoff.window.start as string))).toBe('09:30');

    const days = await occurrencesOf(orderId);
    expect(days.filter((day) => day.state === 'booked').map((day) => day.date)).toEqual(expectedDates);
    const closed = days.filter((day) => day.state === 'skipped' && day.reason?.code === 'closure');
    expect(closed.length).toBeGreaterThan(0);
    expect(closed.every((day) => day.reason?.label === closureReason)).toBe(true);
    if (month.holiday) expect(days.find((day) => day.date === month.holiday)).toMatchObject({ state: 'skipped', reason: { code: 'public_holiday' } });
    expect(days.find((day) => day.state === 'booked')).toMatchObject({ deliveryStatus: 'booked', deliveryId: expect.stringMatching(/^dlv_/) });
  });

  it('skips a booked day (its delivery cancelled, free), restores it (booked again, once), and refuses a day that is not one', async () => {
    const date = expectedDates[2] as string;
    const skip = await api.call('POST', `/v1/standing-orders/${orderId}/occurrences/${date}/skip`, { key: actors.tenantKey, body: { reason: 'Sortie scolaire' } });
    expect(skip.status, skip.text).toBe(200);
    expect(skip.json).toMatchObject({ date, state: 'skipped', reason: { code: 'skipped_by_tenant', label: 'Sortie scolaire' } });
    const cancelled = (await deliveriesOf(orderId)).filter((delivery) => delivery.standingOrder.date === date);
    expect(cancelled.map((delivery) => delivery.status)).toEqual(['cancelled']);
    // The run leaves a skipped day alone.
    await run();
    expect(perDate(await deliveriesOf(orderId))[date]).toBeUndefined();

    const restore = await api.call('POST', `/v1/standing-orders/${orderId}/occurrences/${date}/restore`, { key: actors.tenantKey });
    expect(restore.status, restore.text).toBe(200);
    expect(restore.json.state).toBe('booked');
    await Promise.all([run(), run()]);
    expect(perDate(await deliveriesOf(orderId))[date]).toBe(1);

    // Not a day of the order (a Wednesday), or not a date at all.
    const wednesday = [0, 1, 2, 3, 4, 5, 6].map((offset) => plusDays(month.start, offset)).find((candidate) => weekday(candidate) === 3) as string;
    expectError(await api.call('POST', `/v1/standing-orders/${orderId}/occurrences/${wednesday}/skip`, { key: actors.tenantKey, body: {} }), 404, 'resource_missing');
    expectError(await api.call('POST', `/v1/standing-orders/${orderId}/occurrences/tomorrow/restore`, { key: actors.tenantKey }), 404, 'resource_missing');
    // Another tenant sees nothing.
    expectError(await api.call('GET', `/v1/standing-orders/${orderId}`, { key: actors.otherTenantKey }), 404, 'resource_missing');
    expectError(await api.call('POST', `/v1/standing-orders/${orderId}/occurrences/${date}/skip`, { key: actors.otherTenantKey, body: {} }), 404, 'resource_missing');
  });

  it('changes one booked day: the old delivery cancelled and the changed one booked, in one go', async () => {
    const date = expectedDates[3] as string;
    const change = await api.call('PATCH', `/v1/standing-orders/${orderId}/occurrences/${date}`, { key: actors.tenantKey, body: { window: { start: '12:00', end: '13:00' }, parcels: [{ weightKg: 20 }], instructions: 'Repas du jeudi : frigo 2' } });
    expect(change.status, change.text).toBe(200);
    expect(change.json).toMatchObject({ state: 'booked', override: { window: { start: '12:00', end: '13:00' } } });
    const ofDay = (await deliveriesOf(orderId)).filter((delivery) => delivery.standingOrder.date === date);
    expect(ofDay.map((delivery) => delivery.status).sort()).toEqual(['booked', 'cancelled']);
    const live = ofDay.find((delivery) => delivery.status === 'booked');
    expect(live?.parcels).toEqual([{ weightKg: 20 }]);
    expect(live?.dropoff.instructions).toBe('Repas du jeudi : frigo 2');
    expect(change.json.deliveryId).toBe(live?.id);
    // A day that is assigned to a courier can no longer be changed or skipped here.
    const other = (await occurrencesOf(orderId)).find((day) => day.date === expectedDates[4]);
    const assign = await api.call('POST', `/v1/hub/deliveries/${other?.deliveryId}/assign`, { body: { courierId: actors.courier.id } });
    expect(assign.status, assign.text).toBe(200);
    const refused = expectError(await api.call('POST', `/v1/standing-orders/${orderId}/occurrences/${expectedDates[4]}/skip`, { key: actors.tenantKey, body: {} }), 409, 'invalid_transition');
    expect(refused.message).toMatch(/assigned/);
    expectError(await api.call('PATCH', `/v1/standing-orders/${orderId}/occurrences/${expectedDates[4]}`, { key: actors.tenantKey, body: { parcels: [{ weightKg: 1 }] } }), 409, 'invalid_transition');
  });

  it('applies an edit to the days not booked yet only, and guards it with the version', async () => {
    const current = (await api.call('GET', `/v1/standing-orders/${orderId}`, { key: actors.tenantKey })).json;
    const stale = await api.call('PATCH', `/v1/standing-orders/${orderId}`, { key: actors.tenantKey, body: { parcels: [{ weightKg: 3 }], version: current.version + 1 } });
    expectError(stale, 409, 'version_conflict');
    // Before the edit, one day far ahead is skipped and restored later: it books with the new parcels.
    const edited = await api.call('PATCH', `/v1/standing-orders/${orderId}`, { key: actors.tenantKey, body: { parcels: [{ weightKg: 15, description: 'Menu d’hiver' }], version: current.version } });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.json.version).toBe(current.version + 1);
    const booked = await deliveriesOf(orderId);
    // Booked days keep their delivery as it was.
    expect(booked.filter((delivery) => delivery.status === 'booked' && delivery.parcels[0]?.weightKg === 15)).toEqual([]);
    const date = expectedDates[5] as string;
    await api.call('POST', `/v1/standing-orders/${orderId}/occurrences/${date}/skip`, { key: actors.tenantKey, body: {} });
    await api.call('POST', `/v1/standing-orders/${orderId}/occurrences/${date}/restore`, { key: actors.tenantKey });
    const rebooked = (await deliveriesOf(orderId)).filter((delivery) => delivery.standingOrder.date === date && delivery.status === 'booked');
    expect(rebooked.map((delivery) => delivery.parcels[0]?.weightKg)).toEqual([15]);
  });

  it('pauses (nothing more booked), resumes, and ends: booked deliveries after the end cancelled, assigned ones kept', async () => {
    const paused = await api.call('POST', `/v1/standing-orders/${orderId}/pause`, { key: actors.tenantKey });
    expect(paused.json.status).toBe('paused');
    const date = expectedDates[6] as string;
    await api.call('POST', `/v1/standing-orders/${orderId}/occurrences/${date}/skip`, { key: actors.tenantKey, body: {} });
    await api.call('POST', `/v1/standing-orders/${orderId}/occurrences/${date}/restore`, { key: actors.tenantKey });
    await run();
    expect(perDate(await deliveriesOf(orderId))[date]).toBeUndefined();
    expect((await occurrencesOf(orderId)).find((day) => day.date === date)?.state).toBe('scheduled');
    const resumed = await api.call('POST', `/v1/standing-orders/${orderId}/resume`, { key: actors.tenantKey });
    expect(resumed.json.status).toBe('active');
    await run();
    expect(perDate(await deliveriesOf(orderId))[date]).toBe(1);

    const endFrom = expectedDates[4] as string;
    const ended = await api.call('POST', `/v1/standing-orders/${orderId}/end`, { key: actors.tenantKey, body: { date: endFrom } });
    expect(ended.status, ended.text).toBe(200);
    expect(ended.json).toMatchObject({ status: 'ended', endedOn: endFrom, endDate: plusDays(endFrom, -1) });
    const assigned = (await occurrencesOf(orderId)).find((day) => day.date === endFrom);
    expect(ended.json.keptDeliveryIds).toEqual([assigned?.deliveryId]);
    expect(ended.json.cancelledDeliveryIds.length).toBeGreaterThan(0);
    const after = (await deliveriesOf(orderId)).filter((delivery) => delivery.standingOrder.date >= endFrom && delivery.status !== 'cancelled');
    expect(after.map((delivery) => delivery.standingOrder.date)).toEqual([endFrom]);
    // Ending again finishes what is left (nothing here): no 409, the assigned one still kept.
    const again = await api.call('POST', `/v1/standing-orders/${orderId}/end`, { key: actors.tenantKey, body: {} });
    expect(again.status, again.text).toBe(200);
    expect(again.json).toMatchObject({ status: 'ended', endedOn: endFrom, cancelledDeliveryIds: [], keptDeliveryIds: [assigned?.deliveryId] });
    // Ended is final.
    expectError(await api.call('POST', `/v1/standing-orders/${orderId}/resume`, { key: actors.tenantKey }), 409, 'invalid_transition');
    expectError(await api.call('PATCH', `/v1/standing-orders/${orderId}`, { key: actors.tenantKey, body: { reference: 'x' } }), 409, 'invalid_transition');
    await run();
    expect((await deliveriesOf(orderId)).filter((delivery) => delivery.standingOrder.date > endFrom && delivery.status !== 'cancelled')).toEqual([]);
  });

  it('lists the tenant’s own orders, and the hub all or one tenant’s', async () => {
    expect((await api.call('GET', '/v1/standing-orders', { key: actors.tenantKey })).json.data.map((entry: { id: string }) => entry.id)).toContain(orderId);
    expect((await api.call('GET', '/v1/standing-orders', { key: actors.otherTenantKey })).json.data).toEqual([]);
    expect((await api.call('GET', `/v1/standing-orders?tenantId=${actors.tenantId}`)).json.data.map((entry: { id: string }) => entry.id)).toContain(orderId);
    expect((await api.call('GET', `/v1/standing-orders/${orderId}`)).json.id).toBe(orderId);
  });
});

describe('runs, a skip and an edit all at the same time', () => {
  it('still give one delivery per date, none for the skipped day', async () => {
    const start = plusDays(today, 20);
    const created = await api.call('POST', '/v1/standing-orders', { key: actors.otherTenantKey, body: order({ reference: 'Épicerie solidaire', rrule: 'FREQ=DAILY;COUNT=8', startDate: start, endDate: null, skipPublicHolidays: false }) });
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    const skipped = plusDays(start, 3);
    const answers = await Promise.all([
      run(),
      run(),
      api.call('POST', `/v1/standing-orders/${id}/occurrences/${skipped}/skip`, { key: actors.otherTenantKey, body: { reason: 'Inventaire' } }),
      api.call('PATCH', `/v1/standing-orders/${id}`, { key: actors.otherTenantKey, body: { reference: 'Épicerie solidaire (hiver)' } }),
      run(),
    ]);
    for (const answer of answers) expect(answer.status, answer.text).toBe(200);
    await run();
    const list = [];
    let cursor: string | undefined;
    do {
      const page = await api.call('GET', `/v1/deliveries?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key: actors.otherTenantKey });
      list.push(...page.json.data.filter((delivery: { standingOrder?: { id: string } | null }) => delivery.standingOrder?.id === id));
      cursor = page.json.nextCursor ?? undefined;
    } while (cursor);
    const counts = perDate(list);
    const wanted = [0, 1, 2, 4, 5, 6, 7].map((offset) => plusDays(start, offset));
    expect(Object.keys(counts).sort()).toEqual(wanted);
    expect(Object.values(counts).every((count) => count === 1)).toBe(true);
  });
});

describe('an evening pickup for the next morning', () => {
  it('goes through the hub: picked up the evening before, delivered in the morning, the delivery carrying the standing order', async () => {
    const date = plusDays(today, 4);
    const evening = await create(order({ reference: 'Collège du soir', rrule: 'FREQ=DAILY;COUNT=1', startDate: date, endDate: null, pickupWindow: { start: '18:00', end: '19:30', dayBefore: true } }));
    const [day] = await occurrencesOf(evening.id, date, date);
    expect(day, JSON.stringify(day)).toMatchObject({ state: 'booked', deliveryId: expect.stringMatching(/^dlv_/) });
    const delivery = (await api.call('GET', `/v1/deliveries/${day?.deliveryId}`, { key: actors.tenantKey })).json;
    expect(delivery.standingOrder).toEqual({ id: evening.id, date });
    // The last leg, from the hub, on the morning; the parcels reach the hub the evening before.
    expect(delivery.hub).not.toBeNull();
    expect(delivery.serviceDate).toBe(date);
    const hour = (instant: string) => new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(new Date(instant));
    expect(hour(delivery.dropoff.window.start)).toBe('09:30');
  });
});

describe('an occurrence that no longer fits', () => {
  it('fails with its reason, once: a webhook event in the outbox and an e-mail to the tenant; a later run books it when it fits', async () => {
    const date = plusDays(today, 3);
    const slots = await api.call('PUT', `/v1/hub/slots/${date}`, { body: { slots: [{ start: '08:00', end: '09:00', capacity: 1 }] } });
    expect(slots.status, slots.text).toBe(200);
    // Another tenant takes the only place.
    const taken = await api.call('POST', '/v1/deliveries', { key: actors.otherTenantKey, body: { ...quoteBody(), slotId: slots.json.data[0].id } });
    expect(taken.status, taken.text).toBe(201);

    const slotOrder = await create(order({ reference: 'Crèche des Ursules', rrule: 'FREQ=DAILY;COUNT=2', startDate: date, endDate: null, slotStart: '08:00', window: { start: '10:00', end: '11:00' } }));
    for (let index = 0; index < 2; index += 1) await run();
    await Promise.all([run(), run()]);
    const days = await occurrencesOf(slotOrder.id, date, plusDays(date, 1));
    expect(days[0]).toMatchObject({ date, state: 'failed', reason: { code: 'slot_full', label: expect.stringMatching(/capacity/) } });
    // The day after has no slot at 08:00 at all.
    expect(days[1]).toMatchObject({ date: plusDays(date, 1), state: 'failed', reason: { code: 'no_slot', label: expect.stringMatching(/08:00/) } });

    // One event per occurrence and reason, in the outbox (the webhooks' source), whatever the runs.
    const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
    const { db } = await import('../../shared/db/client.js');
    const scanned = await db().send(new ScanCommand({ TableName: api.runtime.tableName, FilterExpression: 'entity = :e AND #type = :t', ExpressionAttributeNames: { '#type': 'type' }, ExpressionAttributeValues: { ':e': 'outbox', ':t': 'standing_order.occurrence_failed' } }));
    const events = (scanned.Items ?? []).map((item) => JSON.parse(String(item.detail)) as { tenantId: string; data: { standingOrderId: string; date: string; code: string } }).filter((event) => event.data.standingOrderId === slotOrder.id);
    expect(events.map((event) => `${event.data.date}:${event.data.code}`).sort()).toEqual([`${date}:slot_full`, `${plusDays(date, 1)}:no_slot`]);
    expect(events.every((event) => event.tenantId === actors.tenantId)).toBe(true);

    // One e-mail each, to the tenant's address, from the events (the standing-order-notify consumer, through the local bus).
    const mailsOf = async () => (await api.call('GET', `/v1/hub/notifications?tenantId=${actors.tenantId}&limit=100`)).json.data.filter((mail: { eventType: string; text: string }) => mail.eventType === 'standing_order.occurrence_failed' && mail.text.includes(slotOrder.id));
    let mails = await mailsOf();
    for (let attempt = 0; attempt < 60 && mails.length < 2; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      mails = await mailsOf();
    }
    expect(mails).toHaveLength(2);
    expect(mails[0]).toMatchObject({ to: 'compta@panier.example', subject: expect.stringMatching(/non réservée/) });

    // The hub adds room: the next run books the day, once.
    await api.call('PUT', `/v1/hub/slots/${date}`, { body: { slots: [{ start: '08:00', end: '09:00', capacity: 2 }] } });
    await Promise.all([run(), run()]);
    const after = await occurrencesOf(slotOrder.id, date, date);
    expect(after[0]).toMatchObject({ state: 'booked', deliveryStatus: 'booked' });
    expect(perDate(await deliveriesOf(slotOrder.id))[date]).toBe(1);
  });
});

/** Every delivery of a tenant (first legs included: they carry no standing order). */
async function allDeliveriesOf(key: string): Promise<Array<{ id: string; status: string; standingOrder?: { id: string; date: string } | null; leg?: { of: string } | null; hub?: { firstLegId: string | null } | null; parcels: Array<{ weightKg: number }> }>> {
  const found = [];
  let cursor: string | undefined;
  do {
    const page = await api.call('GET', `/v1/deliveries?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key });
    found.push(...page.json.data);
    cursor = page.json.nextCursor ?? undefined;
  } while (cursor);
  return found;
}

describe('an evening pickup, skipped or changed: both legs follow', () => {
  it('cancels the first leg with the last on a skip, keeps one live pair on a change, and refuses once the first leg has the parcels', async () => {
    const first = plusDays(today, 2);
    const evening = await create(order({ reference: 'Lycée du soir', rrule: 'FREQ=DAILY;COUNT=3', startDate: first, endDate: null, skipPublicHolidays: false, pickupWindow: { start: '18:00', end: '19:30', dayBefore: true } }));
    const days = await occurrencesOf(evening.id, first, plusDays(first, 2));
    expect(days.map((day) => day.state)).toEqual(['booked', 'booked', 'booked']);
    const legsOf = async (date: string) => {
      const all = await allDeliveriesOf(actors.tenantKey);
      const last = all.filter((delivery) => delivery.standingOrder?.id === evening.id && delivery.standingOrder.date === date);
      // Each last leg names its first leg (pickup → hub), read by id.
      const firsts = [];
      for (const leg of last) {
        const full = (await api.call('GET', `/v1/deliveries/${leg.id}`)).json;
        if (full.hub?.firstLegId) firsts.push((await api.call('GET', `/v1/deliveries/${full.hub.firstLegId}`)).json);
      }
      return { last, firsts: firsts as Array<{ id: string; status: string; leg?: { of: string } | null }> };
    };

    // Skip: the last leg and its first leg (pickup → hub, the evening before) are both cancelled.
    const [skipDay, changeDay, pickedDay] = days.map((day) => day.date) as [string, string, string];
    const before = await legsOf(skipDay);
    expect(before.firsts.map((leg) => leg.status)).toEqual(['booked']);
    const skip = await api.call('POST', `/v1/standing-orders/${evening.id}/occurrences/${skipDay}/skip`, { key: actors.tenantKey, body: { reason: 'Grève' } });
    expect(skip.status, skip.text).toBe(200);
    const skipped = await legsOf(skipDay);
    expect(skipped.last.map((leg) => leg.status)).toEqual(['cancelled']);
    expect(skipped.firsts.map((leg) => leg.status)).toEqual(['cancelled']);

    // Change: exactly one live first leg and one live last leg for the day, the new ones.
    const change = await api.call('PATCH', `/v1/standing-orders/${evening.id}/occurrences/${changeDay}`, { key: actors.tenantKey, body: { parcels: [{ weightKg: 9 }] } });
    expect(change.status, change.text).toBe(200);
    const changed = await legsOf(changeDay);
    const liveLast = changed.last.filter((leg) => leg.status !== 'cancelled');
    const liveFirst = changed.firsts.filter((leg) => leg.status !== 'cancelled');
    expect(liveLast).toHaveLength(1);
    expect(liveFirst).toHaveLength(1);
    expect(liveFirst[0]?.leg?.of).toBe(liveLast[0]?.id);
    expect(liveLast[0]?.id).toBe(change.json.deliveryId);
    expect(changed.firsts).toHaveLength(2);

    // The first leg picked up: the parcels are on their way to the hub; skip and change are refused, nothing cancelled.
    const picked = await legsOf(pickedDay);
    const firstLeg = picked.firsts[0]?.id as string;
    expect((await api.call('POST', `/v1/hub/deliveries/${firstLeg}/assign`, { body: { courierId: actors.courier.id } })).status).toBe(200);
    const pickup = await api.call('POST', `/v1/courier/deliveries/${firstLeg}/events`, { key: actors.courier.key, body: { type: 'picked_up' } });
    expect(pickup.json.status, pickup.text).toBe('picked_up');
    const refused = expectError(await api.call('POST', `/v1/standing-orders/${evening.id}/occurrences/${pickedDay}/skip`, { key: actors.tenantKey, body: {} }), 409, 'invalid_transition');
    expect(refused.message).toMatch(/first leg.*picked up/);
    expectError(await api.call('PATCH', `/v1/standing-orders/${evening.id}/occurrences/${pickedDay}`, { key: actors.tenantKey, body: { parcels: [{ weightKg: 2 }] } }), 409, 'invalid_transition');
    const after = await legsOf(pickedDay);
    expect(after.last.map((leg) => leg.status)).toEqual(['booked']);
    expect(after.firsts.map((leg) => leg.status)).toEqual(['picked_up']);
  });
});

describe('closures declared after days were booked', () => {
  it('cancel the booked days they cover (free), mark them skipped with the reason, keep assigned ones, and a run books nothing there', async () => {
    // The other tenant's canteen, Mon/Tue/Thu/Fri from today: its horizon is booked at once.
    const created = await api.call('POST', '/v1/standing-orders', { key: actors.otherTenantKey, body: order({ reference: 'Cantine des Essarts', startDate: today, endDate: null }) });
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    const read = async () => {
      const response = await api.call('GET', `/v1/standing-orders/${id}/occurrences?from=${today}&to=${plusDays(today, 14)}`, { key: actors.otherTenantKey });
      expect(response.status, response.text).toBe(200);
      return response.json.data as Array<{ date: string; state: string; deliveryId: string | null; reason: { code: string; label: string } | null }>;
    };
    const booked = (await read()).filter((day) => day.state === 'booked');
    expect(booked.length).toBeGreaterThanOrEqual(5);
    const [kept1, closed1, closed2, assigned, open1] = booked as [typeof booked[0], typeof booked[0], typeof booked[0], typeof booked[0], typeof booked[0]];
    void kept1;
    // One day inside the coming closure is assigned to a courier already: it is kept, and listed.
    expect((await api.call('POST', `/v1/hub/deliveries/${assigned.deliveryId}/assign`, { body: { courierId: actors.courier.id } })).status).toBe(200);

    const reason = 'Vacances de Noël';
    const put = await api.call('PUT', '/v1/closures', { key: actors.otherTenantKey, body: { closures: [{ start: closed1.date, end: assigned.date, reason }] } });
    expect(put.status, put.text).toBe(200);
    expect([...put.json.cancelledDeliveryIds].sort()).toEqual([closed1.deliveryId, closed2.deliveryId].sort());
    expect(put.json.conflicts).toEqual([expect.objectContaining({ standingOrderId: id, date: assigned.date, deliveryId: assigned.deliveryId, deliveryStatus: 'assigned' })]);

    const deliveries = await allDeliveriesOf(actors.otherTenantKey);
    const statusOf = (deliveryId: string | null) => deliveries.find((delivery) => delivery.id === deliveryId)?.status;
    expect(statusOf(closed1.deliveryId)).toBe('cancelled');
    expect(statusOf(closed2.deliveryId)).toBe('cancelled');
    expect(statusOf(assigned.deliveryId)).toBe('assigned');
    expect(statusOf(open1.deliveryId)).toBe('booked');
    const cancelled = (await api.call('GET', `/v1/deliveries/${closed1.deliveryId}`, { key: actors.otherTenantKey })).json;
    expect(cancelled.cancellation).toMatchObject({ fee: null });

    const afterClosure = await read();
    for (const day of [closed1, closed2]) expect(afterClosure.find((entry) => entry.date === day.date)).toMatchObject({ state: 'skipped', reason: { code: 'closure', label: reason } });
    expect(afterClosure.find((entry) => entry.date === assigned.date)).toMatchObject({ state: 'booked', deliveryId: assigned.deliveryId });
    expect(afterClosure.find((entry) => entry.date === open1.date)).toMatchObject({ state: 'booked', deliveryId: open1.deliveryId });

    // Runs afterwards (concurrent too) book nothing inside the closure.
    await Promise.all([run(14), run(14)]);
    const live = (await allDeliveriesOf(actors.otherTenantKey)).filter((delivery) => delivery.standingOrder?.id === id && delivery.status !== 'cancelled');
    expect(live.filter((delivery) => (delivery.standingOrder?.date as string) >= closed1.date && (delivery.standingOrder?.date as string) <= assigned.date).map((delivery) => delivery.id)).toEqual([assigned.deliveryId]);

    // The hub's closure likewise, for every order: the next booked day.
    const previousHub = (await api.call('GET', '/v1/hub/closures')).json.closures.map(({ start, end, reason: why }: { start: string; end: string; reason: string }) => ({ start, end, reason: why }));
    const hubReason = 'Inventaire du hub';
    const hub = await api.call('PUT', '/v1/hub/closures', { body: { closures: [...previousHub, { start: open1.date, end: open1.date, reason: hubReason }] } });
    expect(hub.status, hub.text).toBe(200);
    expect(hub.json.cancelledDeliveryIds).toContain(open1.deliveryId);
    expect((await api.call('GET', `/v1/deliveries/${open1.deliveryId}`, { key: actors.otherTenantKey })).json.status).toBe('cancelled');
    expect((await read()).find((entry) => entry.date === open1.date)).toMatchObject({ state: 'skipped', reason: { code: 'closure', label: hubReason } });
    await run(14);
    expect((await allDeliveriesOf(actors.otherTenantKey)).filter((delivery) => delivery.standingOrder?.id === id && delivery.standingOrder.date === open1.date && delivery.status !== 'cancelled')).toEqual([]);

    // The hub reopens: the day is booked again, once.
    expect((await api.call('PUT', '/v1/hub/closures', { body: { closures: previousHub } })).status).toBe(200);
    await Promise.all([run(14), run(14)]);
    expect((await allDeliveriesOf(actors.otherTenantKey)).filter((delivery) => delivery.standingOrder?.id === id && delivery.standingOrder.date === open1.date && delivery.status !== 'cancelled')).toHaveLength(1);
    expect((await read()).find((entry) => entry.date === open1.date)?.state).toBe('booked');
    // The tenant's closure lifted: its days are booked again at once.
    const lifted = await api.call('PUT', '/v1/closures', { key: actors.otherTenantKey, body: { closures: [] } });
    expect(lifted.json.conflicts).toEqual([]);
    expect((await read()).find((entry) => entry.date === closed1.date)?.state).toBe('booked');
  });

  it('an edit of the rule that drops a booked day cancels it while still booked', async () => {
    const start = plusDays(today, 1);
    const created = await api.call('POST', '/v1/standing-orders', { key: actors.otherTenantKey, body: order({ reference: 'Crèche', rrule: 'FREQ=DAILY', startDate: start, endDate: plusDays(start, 6), skipPublicHolidays: false }) });
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    const before = (await api.call('GET', `/v1/standing-orders/${id}/occurrences?from=${start}&to=${plusDays(start, 6)}`, { key: actors.otherTenantKey })).json.data as Array<{ date: string; state: string; deliveryId: string }>;
    expect(before.every((day) => day.state === 'booked')).toBe(true);
    const edited = await api.call('PATCH', `/v1/standing-orders/${id}`, { key: actors.otherTenantKey, body: { endDate: plusDays(start, 3) } });
    expect(edited.status, edited.text).toBe(200);
    const dropped = before.filter((day) => day.date > plusDays(start, 3));
    expect([...edited.json.cancelledDeliveryIds].sort()).toEqual(dropped.map((day) => day.deliveryId).sort());
    const live = (await allDeliveriesOf(actors.otherTenantKey)).filter((delivery) => delivery.standingOrder?.id === id && delivery.status !== 'cancelled');
    expect(live.map((delivery) => delivery.standingOrder?.date).sort()).toEqual(before.filter((day) => day.date <= plusDays(start, 3)).map((day) => day.date));
  });
});

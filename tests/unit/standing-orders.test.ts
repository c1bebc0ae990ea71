import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { cancelBooked } from '../../shared/standing-orders/cancel.js';
import { standingOrderRepository, type StoredOccurrence } from '../../shared/standing-orders/repository.js';
import type { StandingOrder } from '../../shared/standing-orders/schemas.js';
import { endStandingOrder, loadStandingOrder } from '../../shared/standing-orders/service.js';
import { addDays, checkRecurrence, occurrences, parseRule, publicHolidayOn, ruleDates, windowOn, type ClosurePeriod, type RecurrenceSpec } from '../../shared/standing-orders/recurrence.js';

/**
 * Standing orders' pure side: RRULEs checked and expanded into Paris dates, French public
 * holidays and closures skipped with their reason, and each day's window as DST-correct instants.
 */
const canteen = (overrides: Partial<RecurrenceSpec> = {}): RecurrenceSpec => ({
  rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,TH,FR',
  startDate: '2027-04-26',
  endDate: '2027-05-31',
  skipPublicHolidays: true,
  closures: [],
  ...overrides,
});

function refusal(run: () => unknown): { code: string; param: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, param: error.param, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('RRULE validation', () => {
  it('reads a rule with or without the RRULE: prefix, in any case', () => {
    expect(parseRule('RRULE:FREQ=WEEKLY;BYDAY=MO,TH').freq).toBe(2);
    expect(parseRule('freq=weekly;byday=mo').freq).toBe(2);
  });

  it('refuses what cannot be read, naming rrule', () => {
    for (const rule of ['garbage', 'FREQ=FOO', 'FREQ=WEEKLY;BYDAY=XX', 'FREQ=DAILY;INTERVAL=0', '', 'FREQ=DAILY\nEXDATE:20270101']) {
      const { code, param } = refusal(() => parseRule(rule));
      expect(code, rule).toBe('rrule_invalid');
      expect(param).toBe('rrule');
    }
    expect(refusal(() => parseRule('FREQ=DAILY;DTSTART=20270101')).message).toMatch(/DTSTART/);
  });

  it('refuses a rule more often than once a day', () => {
    for (const rule of ['FREQ=HOURLY', 'FREQ=MINUTELY;INTERVAL=30', 'FREQ=SECONDLY', 'FREQ=DAILY;BYHOUR=8,12', 'FREQ=WEEKLY;BYDAY=MO;BYMINUTE=0,30', 'FREQ=DAILY;BYSECOND=1,2']) {
      expect(refusal(() => parseRule(rule)).code, rule).toBe('rrule_too_frequent');
    }
    // One time a day is once a day: the time itself is the window's business.
    expect(() => parseRule('FREQ=DAILY;BYHOUR=8')).not.toThrow();
  });

  it('refuses a rule that produces no date, found by expanding it', () => {
    for (const rule of ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', 'FREQ=WEEKLY;UNTIL=20200101', 'FREQ=DAILY;COUNT=0']) {
      const { code, param } = refusal(() => checkRecurrence({ rrule: rule, startDate: '2027-01-04', endDate: null }));
      expect(code, rule).toBe('rrule_empty');
      expect(param).toBe('rrule');
    }
    // Rules the library would loop on for ever (it stops only when it finds a date): refused fast.
    for (const rule of ['FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', 'FREQ=DAILY;INTERVAL=7;BYDAY=TU', 'FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29', 'FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6']) {
      const started = Date.now();
      // 2027-01-04 is a Monday: every 7 days from it is never a Tuesday; 2027 + 4k is never a leap year.
      expect(refusal(() => checkRecurrence({ rrule: rule, startDate: '2027-01-04', endDate: null })).code, rule).toBe('rrule_empty');
      expect(Date.now() - started, rule).toBeLessThan(1000);
    }
    expect(refusal(() => parseRule('FREQ=YEARLY;BYWEEKNO=20')).code).toBe('rrule_invalid');
    expect(() => checkRecurrence({ rrule: 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1', startDate: '2027-01-04', endDate: null })).not.toThrow();
    expect(() => checkRecurrence({ rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=WE', startDate: '2027-01-04', endDate: null })).not.toThrow();
    // Mondays only, between a Tuesday and the Sunday after: nothing.
    expect(refusal(() => checkRecurrence({ rrule: 'FREQ=WEEKLY;BYDAY=MO', startDate: '2027-01-05', endDate: '2027-01-10' })).code).toBe('rrule_empty');
  });

  it('accepts an endless rule without an end date, and refuses an end before the start', () => {
    expect(() => checkRecurrence({ rrule: 'FREQ=DAILY', startDate: '2027-01-04', endDate: null })).not.toThrow();
    expect(refusal(() => checkRecurrence({ rrule: 'FREQ=DAILY', startDate: '2027-01-04', endDate: '2027-01-03' }))).toMatchObject({ code: 'parameter_invalid', param: 'endDate' });
  });
});

describe('RRULE parts the library itself refuses', () => {
  it('answers BYSETPOS=0 or beyond ±366 (and other out-of-range parts) as rrule_invalid, never a library error', () => {
    for (const rule of ['FREQ=WEEKLY;BYDAY=MO;BYSETPOS=0', 'FREQ=MONTHLY;BYDAY=MO;BYSETPOS=367', 'FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-367', 'FREQ=MONTHLY;BYMONTHDAY=0', 'FREQ=MONTHLY;BYMONTHDAY=32', 'FREQ=YEARLY;BYMONTH=13']) {
      const { code, param } = refusal(() => checkRecurrence(canteen({ rrule: rule })));
      expect(code, rule).toBe('rrule_invalid');
      expect(param, rule).toBe('rrule');
    }
  });

  const parts = fc.oneof(
    { arbitrary: fc.constantFrom('FREQ=DAILY', 'FREQ=WEEKLY', 'FREQ=MONTHLY', 'FREQ=YEARLY', 'FREQ=HOURLY', 'FREQ=NEVER', 'BYDAY=MO,TU', 'BYDAY=XX', 'BYDAY=2MO', 'BYDAY=-1FR', 'BYDAY=60MO', 'UNTIL=20200101', 'UNTIL=2027xx', 'COUNT=0', 'COUNT=3', 'COUNT=-2', 'INTERVAL=0', 'INTERVAL=2', 'BYHOUR=8,9', 'DTSTART=20270101', 'BYYEARDAY=10', 'WKST=SU', 'WKST=ZZ', '=', ';', 'FOO=BAR', ''), weight: 2 },
    { arbitrary: fc.tuple(fc.constantFrom('BYSETPOS', 'BYMONTHDAY', 'BYMONTH', 'INTERVAL', 'COUNT', 'BYHOUR', 'BYMINUTE'), fc.oneof(fc.constantFrom(0, 1, -1, 12, 13, 31, 32, 366, 367, -366, -367, Number.NaN, 1e21), fc.integer({ min: -1000, max: 1000 }))).map(([part, value]) => `${part}=${value}`), weight: 3 },
    { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
  );

  it('as a property: any RRULE-ish string is either accepted or refused with the API error, nothing else', () => {
    fc.assert(
      fc.property(fc.option(fc.constantFrom('FREQ=DAILY', 'FREQ=WEEKLY;BYDAY=MO', 'FREQ=MONTHLY;BYDAY=MO,FR', 'FREQ=YEARLY')), fc.array(parts, { minLength: 0, maxLength: 5 }), fc.boolean(), (freq, chosen, prefix) => {
        const rrule = `${prefix ? 'RRULE:' : ''}${[...(freq === null ? [] : [freq]), ...chosen].join(';')}`;
        const spec = canteen({ rrule, endDate: '2027-12-31' });
        try {
          checkRecurrence(spec);
          // Accepted: it expands without throwing either.
          occurrences(spec, [], '2027-04-26', '2027-06-30');
        } catch (error) {
          expect(error, rrule).toBeInstanceOf(AppError);
          const refused = error as AppError;
          expect(['rrule_invalid', 'rrule_too_frequent', 'rrule_empty'], `${rrule}: ${refused.code} ${refused.message}`).toContain(refused.code);
          expect(refused.status).toBe(400);
          expect(refused.param).toBe('rrule');
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('occurrences', () => {
  it('gives a canteen term: Mon/Tue/Thu/Fri, without the public holidays, and a school-holiday closure with its reason', () => {
    const closures: ClosurePeriod[] = [{ start: '2027-05-10', end: '2027-05-14', reason: 'Pont de l’Ascension (vacances scolaires)' }];
    const days = occurrences(canteen(), closures, '2027-04-26', '2027-05-31');
    const booked = days.filter((day) => day.bookable).map((day) => day.date);
    const skipped = Object.fromEntries(days.flatMap((day) => (day.bookable ? [] : [[day.date, day.skip]])));
    // 1 May (Sat), 8 May (Sat) and 6 May (Thu, Ascension), 17 May (Mon, Whit Monday).
    expect(skipped['2027-05-06']).toEqual({ code: 'public_holiday', label: 'Ascension' });
    expect(skipped['2027-05-17']).toEqual({ code: 'public_holiday', label: 'Lundi de Pentecôte' });
    expect(skipped['2027-05-10']).toEqual({ code: 'closure', label: 'Pont de l’Ascension (vacances scolaires)' });
    expect(booked).toEqual([
      '2027-04-26', '2027-04-27', '2027-04-29', '2027-04-30',
      '2027-05-03', '2027-05-04', '2027-05-07',
      '2027-05-18', '2027-05-20', '2027-05-21',
      '2027-05-24', '2027-05-25', '2027-05-27', '2027-05-28',
      '2027-05-31',
    ]);
  });

  it('keeps public holidays when told to, and knows only national ones (not Alsace-Moselle’s)', () => {
    const days = occurrences(canteen({ skipPublicHolidays: false }), [], '2027-05-06', '2027-05-06');
    expect(days).toEqual([{ date: '2027-05-06', bookable: true }]);
    expect(publicHolidayOn('2027-07-14')).toBe('Fête Nationale de la France');
    // Good Friday and St Stephen's Day are holidays in Alsace-Moselle only.
    expect(publicHolidayOn('2027-03-26')).toBeUndefined();
    expect(publicHolidayOn('2027-12-26')).toBeUndefined();
  });

  it('books an endless rule only within what is asked, and counts COUNT from the start date', () => {
    expect(ruleDates({ rrule: 'FREQ=DAILY', startDate: '2027-01-01', endDate: null }, '2030-06-01', '2030-06-03')).toEqual(['2030-06-01', '2030-06-02', '2030-06-03']);
    expect(ruleDates({ rrule: 'FREQ=DAILY;COUNT=3', startDate: '2027-01-01', endDate: null }, '2027-01-02', '2027-01-10')).toEqual(['2027-01-02', '2027-01-03']);
  });
});

describe('windows across daylight-saving changes', () => {
  it('gives each day its Paris instants: UTC+1 in winter, UTC+2 in summer, on the days the clocks change too', () => {
    expect(windowOn('2027-03-27', { start: '11:30', end: '13:00' })).toEqual({ start: '2027-03-27T10:30:00.000Z', end: '2027-03-27T12:00:00.000Z' });
    expect(windowOn('2027-03-28', { start: '11:30', end: '13:00' })).toEqual({ start: '2027-03-28T09:30:00.000Z', end: '2027-03-28T11:00:00.000Z' });
    expect(windowOn('2027-10-31', { start: '01:30', end: '03:30' })).toEqual({ start: '2027-10-30T23:30:00.000Z', end: '2027-10-31T02:30:00.000Z' });
    // 02:30 does not exist on 28 March: the window opens when the clocks reach 03:00.
    expect(windowOn('2027-03-28', { start: '02:30', end: '04:00' }).start).toBe('2027-03-28T01:00:00.000Z');
  });

  it('keeps a weekly rule on its weekday through the change (no occurrence moves to another day)', () => {
    const dates = ruleDates({ rrule: 'FREQ=WEEKLY;BYDAY=SU', startDate: '2027-03-01', endDate: null }, '2027-03-01', '2027-11-30');
    expect(dates).toContain('2027-03-28');
    expect(dates).toContain('2027-10-31');
    expect(dates.every((date) => new Date(`${date}T12:00:00Z`).getUTCDay() === 0)).toBe(true);
  });
});

describe('occurrences, as properties', () => {
  const date = fc.integer({ min: 0, max: 3 * 365 }).map((offset) => addDays('2026-01-01', offset));
  const weekdays = fc.subarray(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'], { minLength: 1 });
  const rule = fc.oneof(
    weekdays.map((days) => `FREQ=WEEKLY;BYDAY=${days.join(',')}`),
    fc.integer({ min: 1, max: 5 }).map((interval) => `FREQ=DAILY;INTERVAL=${interval}`),
    fc.integer({ min: 1, max: 28 }).map((day) => `FREQ=MONTHLY;BYMONTHDAY=${day}`),
    fc.tuple(weekdays, fc.integer({ min: 2, max: 3 })).map(([days, interval]) => `RRULE:FREQ=WEEKLY;INTERVAL=${interval};BYDAY=${days.join(',')}`),
  );
  const closure = fc.tuple(date, fc.integer({ min: 0, max: 20 }), fc.string({ minLength: 1, maxLength: 10 })).map(([start, length, reason]) => ({ start, end: addDays(start, length), reason }));
  const input = fc.record({
    rrule: rule,
    startDate: date,
    length: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
    skipPublicHolidays: fc.boolean(),
    own: fc.array(closure, { maxLength: 3 }),
    shared: fc.array(closure, { maxLength: 3 }),
    from: date,
    span: fc.integer({ min: 0, max: 120 }),
  });

  it('at most one per date, sorted, inside the order’s dates and the range asked, holidays and closures honoured, the same every time', () => {
    fc.assert(
      fc.property(input, ({ rrule, startDate, length, skipPublicHolidays, own, shared, from, span }) => {
        const spec: RecurrenceSpec = { rrule, startDate, endDate: length === null ? null : addDays(startDate, length), skipPublicHolidays, closures: own };
        const to = addDays(from, span);
        const days = occurrences(spec, shared, from, to);
        const dates = days.map((day) => day.date);
        expect(new Set(dates).size).toBe(dates.length);
        expect([...dates].sort()).toEqual(dates);
        for (const day of days) {
          expect(day.date >= from && day.date <= to && day.date >= startDate).toBe(true);
          if (spec.endDate !== null) expect(day.date <= spec.endDate).toBe(true);
          const holiday = publicHolidayOn(day.date);
          const closed = [...own, ...shared].find((period) => period.start <= day.date && day.date <= period.end);
          if (day.bookable) {
            if (skipPublicHolidays) expect(holiday).toBeUndefined();
            expect(closed).toBeUndefined();
          } else if (day.skip.code === 'public_holiday') {
            expect(skipPublicHolidays && holiday === day.skip.label).toBe(true);
          } else {
            expect(day.skip.code).toBe('closure');
            expect(closed).toBeDefined();
          }
        }
        expect(occurrences(spec, shared, from, to)).toEqual(days);
        // Expanding a range in two halves gives the same days as in one.
        const middle = addDays(from, Math.floor(span / 2));
        expect([...occurrences(spec, shared, from, middle), ...occurrences(spec, shared, addDays(middle, 1), to)]).toEqual(days);
      }),
      { numRuns: 300 },
    );
  });
});

// The service's writes and cancellations, replaced for the tests below (the recurrence tests above use neither).
vi.mock('../../shared/db/transact.js', async (original) => ({ ...(await original<Record<string, unknown>>()), writeOne: vi.fn(async (_item: unknown, _refusal: unknown, options?: { result?: unknown }) => options?.result) }));
vi.mock('../../shared/standing-orders/cancel.js', async (original) => ({ ...(await original<Record<string, unknown>>()), cancelBooked: vi.fn() }));

const admin = { role: 'admin' as const, keyId: 'key_admin' };
const storedOrder = (overrides: Partial<StandingOrder> = {}): StandingOrder => ({
  id: 'sto_01JTESTORDER0000000000000',
  object: 'standing_order',
  tenantId: 'ten_01JTESTTENANT000000000000',
  status: 'active',
  reference: null,
  pickup: null,
  dropoff: { address: { line1: '2 place du Breuil', postcode: '42700', city: 'Firminy', lat: 45.388, lng: 4.288 } },
  parcels: [{ weightKg: 12 }],
  service: 'standard',
  window: { start: '09:30', end: '11:00' },
  pickupWindow: null,
  slotStart: null,
  rrule: 'FREQ=DAILY',
  startDate: '2030-01-07',
  endDate: null,
  skipPublicHolidays: true,
  closures: [],
  endedOn: null,
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
  version: 1,
  ...overrides,
}) as StandingOrder;
const bookedDay = (order: StandingOrder, date: string, deliveryId: string): StoredOccurrence => ({ tenantId: order.tenantId, standingOrderId: order.id, date, state: 'booked', deliveryId, skipReason: null, failure: null, override: null, updatedAt: order.updatedAt, version: 1 });

describe('reading an order for the hub', () => {
  it('re-reads it from the table, by its key, when a consistent read is asked (the id index lags)', async () => {
    const indexed = storedOrder({ version: 1 });
    const fresh = storedOrder({ version: 2 });
    const findById = vi.spyOn(standingOrderRepository, 'findById').mockResolvedValue(indexed);
    const get = vi.spyOn(standingOrderRepository, 'get').mockResolvedValue(fresh);
    try {
      expect((await loadStandingOrder(admin, indexed.id, true)).version).toBe(2);
      expect(get).toHaveBeenCalledWith(indexed.tenantId, indexed.id, true);
      get.mockClear();
      // An eventually consistent read is what the index gives, without a second read.
      expect((await loadStandingOrder(admin, indexed.id, false)).version).toBe(1);
      expect(get).not.toHaveBeenCalled();
    } finally {
      findById.mockRestore();
      get.mockRestore();
    }
  });
});

describe('ending an order', () => {
  it('cancels each booked day on its own: a failure is listed as kept with its reason, and ending again finishes the rest', async () => {
    const order = storedOrder();
    const days = [bookedDay(order, '2030-01-08', 'dlv_a'), bookedDay(order, '2030-01-09', 'dlv_b'), bookedDay(order, '2030-01-10', 'dlv_c')];
    const now = new Date('2030-01-07T12:00:00Z');
    const get = vi.spyOn(standingOrderRepository, 'get').mockResolvedValue(order);
    const list = vi.spyOn(standingOrderRepository, 'listOccurrences').mockResolvedValue(days);
    const cancel = vi.mocked(cancelBooked);
    cancel.mockReset();
    cancel.mockResolvedValueOnce({ outcome: 'cancelled' }).mockRejectedValueOnce(new Error('the table is unavailable')).mockResolvedValueOnce({ outcome: 'cancelled' });
    try {
      const tenant = { role: 'tenant' as const, keyId: 'key_tenant', tenantId: order.tenantId };
      const ended = await endStandingOrder(tenant, order.id, '2030-01-08', now);
      expect(ended).toMatchObject({ status: 'ended', endedOn: '2030-01-08', cancelledDeliveryIds: ['dlv_a', 'dlv_c'], keptDeliveryIds: ['dlv_b'] });
      expect(ended.kept[0]?.reason).toMatch(/unavailable.*end the order again/);
      // Ending again: no 409, what is left is cancelled.
      get.mockResolvedValue({ ...order, status: 'ended', endedOn: '2030-01-08', endDate: '2030-01-07', version: 2 });
      list.mockResolvedValue([days[1] as StoredOccurrence]);
      cancel.mockResolvedValueOnce({ outcome: 'cancelled' });
      const again = await endStandingOrder(tenant, order.id, undefined, now);
      expect(again).toMatchObject({ status: 'ended', cancelledDeliveryIds: ['dlv_b'], keptDeliveryIds: [] });
      expect(list).toHaveBeenLastCalledWith(order.tenantId, order.id, '2030-01-08', '9999-12-31');
    } finally {
      get.mockRestore();
      list.mockRestore();
    }
  });
});

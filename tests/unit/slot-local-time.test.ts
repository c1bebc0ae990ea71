import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { parisTime, slotDateRange, slotInstants } from '../../shared/slots/local-time.js';

const HOUR_MS = 3_600_000;

// The oracle reads the zone through Intl alone, not through the code under test.
const parisClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function wallClock(epochMs: number): string {
  const parts = Object.fromEntries(parisClock.formatToParts(new Date(epochMs)).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** Paris is UTC+1 or UTC+2 in these years: a local time is one, both or neither of two instants, earliest first. */
function occurrences(date: string, time: string): number[] {
  const asIfUtc = Date.parse(`${date}T${time}:00Z`);
  return [asIfUtc - 2 * HOUR_MS, asIfUtc - HOUR_MS].filter((instant) => wallClock(instant) === `${date} ${time}`);
}

const pad = (value: number) => String(value).padStart(2, '0');
const isoDay = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);

/** The last Sunday of a month: the European clock changes (March forward, October back). */
function lastSunday(year: number, month: 3 | 10): string {
  const last = new Date(Date.UTC(year, month, 0));
  return isoDay(last.getTime() - last.getUTCDay() * 86_400_000);
}

const firstDay = Date.UTC(2026, 0, 1);
const anyDate = fc.integer({ min: 0, max: 8 * 366 }).map((days) => isoDay(firstDay + days * 86_400_000));
const changeNight = fc.record({ year: fc.integer({ min: 2026, max: 2033 }), month: fc.constantFrom(3 as const, 10 as const) }).map(({ year, month }) => lastSunday(year, month));
const anyTime = fc.record({ hours: fc.integer({ min: 0, max: 23 }), minutes: fc.integer({ min: 0, max: 59 }) }).map(({ hours, minutes }) => `${pad(hours)}:${pad(minutes)}`);
const nightTime = fc.record({ hours: fc.integer({ min: 1, max: 3 }), minutes: fc.integer({ min: 0, max: 59 }) }).map(({ hours, minutes }) => `${pad(hours)}:${pad(minutes)}`);

describe('slot times in Europe/Paris', () => {
  it('either refuses a time that does not exist, or gives the first instant showing the requested date and time, ending after it starts', () => {
    const seen = { refused: 0, repeated: 0, plain: 0 };
    fc.assert(
      fc.property(fc.oneof(anyDate, changeNight), fc.oneof(anyTime, nightTime), fc.oneof(anyTime, nightTime), (date, one, other) => {
        fc.pre(one !== other);
        const [start, end] = one < other ? [one, other] : [other, one];
        const [expectedStart] = occurrences(date, start);
        const [expectedEnd] = occurrences(date, end);
        let instants: { startsAt: Date; endsAt: Date };
        try {
          instants = slotInstants(date, { start, end }, 3);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          const field = expectedStart === undefined ? 'start' : 'end';
          expect(expectedStart === undefined || expectedEnd === undefined).toBe(true);
          expect(error.code).toBe('parameter_invalid');
          expect(error.param).toBe(`slots[3].${field}`);
          const time = field === 'start' ? start : end;
          expect(error.message).toBe(`slots[3].${field} is ${time}, which does not exist on ${date} in Europe/Paris: clocks go forward from 02:00 to 03:00.`);
          seen.refused += 1;
          return;
        }
        expect(expectedStart).toBeDefined();
        expect(expectedEnd).toBeDefined();
        expect(instants.startsAt.getTime()).toBe(expectedStart);
        expect(instants.endsAt.getTime()).toBe(expectedEnd);
        expect(instants.startsAt.getTime()).toBeLessThan(instants.endsAt.getTime());
        expect(wallClock(instants.startsAt.getTime())).toBe(`${date} ${start}`);
        expect(wallClock(instants.endsAt.getTime())).toBe(`${date} ${end}`);
        if (occurrences(date, start).length > 1 || occurrences(date, end).length > 1) seen.repeated += 1;
        else seen.plain += 1;
      }),
      { numRuns: 3000 },
    );
    // The generators reach every case, so the property is not vacuously true.
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.repeated).toBeGreaterThan(0);
    expect(seen.plain).toBeGreaterThan(0);
  });

  it('refuses 02:00–03:00 on the night clocks go forward, naming the field and saying why', () => {
    const refusal = (() => {
      try {
        slotInstants('2027-03-28', { start: '02:00', end: '03:00' }, 0);
      } catch (error) {
        return error as AppError;
      }
      throw new Error('accepted a slot starting at a time that does not exist');
    })();
    expect(refusal).toMatchObject({ code: 'parameter_invalid', param: 'slots[0].start' });
    expect(refusal.message).toBe('slots[0].start is 02:00, which does not exist on 2027-03-28 in Europe/Paris: clocks go forward from 02:00 to 03:00.');
    expect(() => slotInstants('2027-03-28', { start: '01:00', end: '02:30' }, 4)).toThrow(expect.objectContaining({ param: 'slots[4].end' }));
  });

  it('gives slots across a clock change their real duration, a repeated time meaning summer time', () => {
    const back = slotInstants('2027-10-31', { start: '01:30', end: '03:30' }, 0);
    expect(back.endsAt.getTime() - back.startsAt.getTime()).toBe(3 * HOUR_MS);
    expect(parisTime('2027-10-31', '02:30')).toEqual({ exists: true, instant: new Date('2027-10-31T00:30:00.000Z') });
    const forward = slotInstants('2027-03-28', { start: '01:30', end: '03:30' }, 0);
    expect(forward.endsAt.getTime() - forward.startsAt.getTime()).toBe(HOUR_MS);
  });

  it('lets a day be set from today to two years ahead, in Paris dates', () => {
    // 23:30 UTC on New Year's Eve is already the next day in Paris.
    expect(slotDateRange(new Date('2026-12-31T23:30:00Z'))).toEqual({ first: '2027-01-01', last: '2029-01-01' });
    expect(slotDateRange(new Date('2028-02-29T12:00:00Z'))).toEqual({ first: '2028-02-29', last: '2030-02-28' });
  });
});

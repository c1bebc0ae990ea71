import fc from 'fast-check';
import { RRule } from 'rrule';
import { describe, expect, it } from 'vitest';
import { byWeek, closureProblems, composeRrule, mondayOf, parcelsToLines, parseSimpleRrule, WEEKDAYS, windowProblem, type Weekday } from '../../web/src/pages/standing-orders-model.js';
import { linesToParcels } from '../../web/src/presets.js';

/** The standing orders' form without the DOM (web/src/pages/standing-orders-model.ts). */
describe('the weekdays ticked as an RRULE, and back', () => {
  it('composes the rule of a canteen (Mon/Tue/Thu/Fri) and of every other week', () => {
    expect(composeRrule({ days: ['FR', 'MO', 'TH', 'TU'], interval: 1 })).toBe('FREQ=WEEKLY;BYDAY=MO,TU,TH,FR');
    expect(composeRrule({ days: ['WE'], interval: 2 })).toBe('FREQ=WEEKLY;INTERVAL=2;BYDAY=WE');
  });

  it('reads back any rule it composes, and the rrule library agrees on its days', () => {
    const days = fc.subarray([...WEEKDAYS], { minLength: 1 });
    fc.assert(
      fc.property(days, fc.constantFrom<1 | 2>(1, 2), (picked: Weekday[], interval) => {
        const rule = composeRrule({ days: picked, interval });
        expect(parseSimpleRrule(rule)).toEqual({ days: WEEKDAYS.filter((day) => picked.includes(day)), interval });
        const parsed = RRule.parseString(rule);
        expect(parsed.freq).toBe(RRule.WEEKLY);
        expect(parsed.interval ?? 1).toBe(interval);
        expect((parsed.byweekday as Array<{ weekday: number }>).map((day) => day.weekday).sort()).toEqual(picked.map((day) => WEEKDAYS.indexOf(day)).sort());
      }),
    );
  });

  it('leaves any other rule to the advanced field', () => {
    for (const rule of ['FREQ=MONTHLY;BYDAY=1MO', 'FREQ=WEEKLY;INTERVAL=3;BYDAY=MO', 'FREQ=WEEKLY;BYDAY=MO;COUNT=4', 'FREQ=WEEKLY', 'FREQ=DAILY', 'FREQ=WEEKLY;BYDAY=1MO', '', 'nonsense', 'FREQ=WEEKLY;BYDAY=MO;BYDAY=TU']) {
      expect(parseSimpleRrule(rule), rule).toBeNull();
    }
    expect(parseSimpleRrule('RRULE:FREQ=WEEKLY;BYDAY=TH,MO')).toEqual({ days: ['MO', 'TH'], interval: 1 });
  });
});

describe('the checks said at the field', () => {
  it('says a window that ends before it starts at its end', () => {
    expect(windowProblem('11:00', '12:00')).toBeNull();
    expect(windowProblem('12:00', '11:00')).toEqual({ field: 'end', problem: 'order' });
    expect(windowProblem('12:00', '12:00')).toEqual({ field: 'end', problem: 'order' });
    expect(windowProblem('', '12:00')).toEqual({ field: 'start', problem: 'startMissing' });
    expect(windowProblem('25:00', '12:00')).toEqual({ field: 'start', problem: 'startInvalid' });
  });

  it('says a closure that ends before it starts at its last day; one day is fine', () => {
    expect(closureProblems([{ start: '2027-04-12', end: '2027-04-09', reason: 'vacances de printemps' }])).toEqual([{ end: 'order' }]);
    expect(closureProblems([{ start: '2027-04-12', end: '2027-04-12', reason: 'pont' }])).toEqual([{}]);
    expect(closureProblems([{ start: '', end: '', reason: ' ' }])).toEqual([{ start: 'missing', end: 'missing', reason: 'missing' }]);
  });
});

describe('the preview by week', () => {
  it('groups dates under the Monday of their week, in order', () => {
    expect(mondayOf('2027-01-03')).toBe('2026-12-28'); // a Sunday
    expect(mondayOf('2026-12-07')).toBe('2026-12-07');
    const weeks = byWeek([{ date: '2026-12-14' }, { date: '2026-12-08' }, { date: '2026-12-07' }, { date: '2026-12-20' }]);
    expect(weeks.map((week) => [week.monday, week.items.map((item) => item.date)])).toEqual([
      ['2026-12-07', ['2026-12-07', '2026-12-08']],
      ['2026-12-14', ['2026-12-14', '2026-12-20']],
    ]);
  });
});

describe("an order's parcels back as the form's lines", () => {
  it('gives back the same parcels', () => {
    const parcel = fc.record({ weightKg: fc.constantFrom(1, 2.5, 12), description: fc.constantFrom('Caisse', 'Bac isotherme') });
    fc.assert(
      fc.property(fc.array(parcel, { minLength: 1, maxLength: 12 }), (parcels) => {
        const back = linesToParcels(parcelsToLines(parcels));
        const key = (p: { weightKg: number; description?: string }) => `${p.description}:${p.weightKg}`;
        expect(back.map(key).sort()).toEqual(parcels.map(key).sort());
      }),
    );
  });
});

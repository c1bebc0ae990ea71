import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { movedStops } from '../../shared/planning/plans-service.js';
import { en, fr } from '../../web/src/messages.js';
import { stopKey } from '../../web/src/pages/dispatch-model.js';
import {
  comparePlan,
  DEFAULT_PLAN_TIME_LIMIT,
  durationParts,
  isKnownReason,
  isPlanOutdated,
  keptInOrder,
  newProposal,
  PLAN_TIME_LIMITS,
  planDeadlineMs,
} from '../../web/src/pages/dispatch-plan-model.js';
import { UNASSIGNED_REASONS, type BoardCourier, type BoardDelivery, type Plan, type PlannedRound, type PlannedStop, type RoundStop } from '../../web/src/pages/dispatch-types.js';

/**
 * The plan of the day set against the current rounds (web/src/pages/dispatch-plan-model.ts): what
 * stays, what changes place, what comes from another round or from the queue, what is left out,
 * and which proposal made by the system deserves a notice.
 */
const RUNS = { seed: 17_2026, numRuns: 300 };

const current = (deliveryId: string, type: 'pickup' | 'dropoff', status: RoundStop['status'] = 'pending', reference: string | null = deliveryId.toUpperCase()): RoundStop =>
  ({ deliveryId, type, status, reference, address: { line1: 'x', postcode: '42000', city: 'Saint-Étienne', lat: 45.44, lng: 4.39 } }) as RoundStop;
const courier = (id: string, name: string, stops: RoundStop[]): BoardCourier => ({ id, name, round: { stops } }) as unknown as BoardCourier;
const delivery = (id: string, weightKg: number, reference: string | null = id.toUpperCase()): BoardDelivery =>
  ({
    id,
    reference,
    status: 'booked',
    parcels: [{ weightKg }],
    pickup: { address: { line1: '1 place de l’Hôtel de Ville', postcode: '42000', city: 'Saint-Étienne' }, contact: { name: 'Épicerie du centre' } },
    dropoff: { address: { line1: '2 place du Breuil', postcode: '42700', city: 'Firminy' } },
  }) as unknown as BoardDelivery;

let minute = 0;
const planned = (deliveryId: string, type: 'pickup' | 'dropoff', kg = 0, reference: string | null = deliveryId.toUpperCase()): PlannedStop => {
  minute += 10;
  const at = new Date(Date.UTC(2026, 2, 16, 7, minute)).toISOString();
  return { deliveryId, type, reference, arrival: at, serviceStart: at, departure: at, loadAfter: { kg, litres: kg * 2 }, distanceMeters: minute * 100 };
};
const round = (courierId: string, courierName: string, stops: PlannedStop[], extra: Partial<PlannedRound> = {}): PlannedRound => ({
  courierId,
  courierName,
  stops,
  reloads: 0,
  breaks: [],
  startsAt: '2026-03-16T07:00:00.000Z',
  endsAt: '2026-03-16T10:00:00.000Z',
  distanceMeters: 12_300,
  durationSeconds: 3 * 3600,
  travelSeconds: 3900,
  ...extra,
});
const plan = (overrides: Partial<Plan> = {}): Plan => ({
  id: 'pln_1',
  object: 'plan',
  date: '2026-03-16',
  status: 'ready',
  trigger: 'request',
  couriers: null,
  timeLimitSeconds: 10,
  rounds: [],
  unassigned: [],
  summary: null,
  error: null,
  createdAt: '2026-03-16T06:00:00.000Z',
  finishedAt: '2026-03-16T06:00:10.000Z',
  appliedAt: null,
  ...overrides,
});

describe('a plan beside the current rounds', () => {
  // Now: Alex has a (done), b, c; Sam has d, f; Lou nothing; e and the heavy one wait in the queue.
  // The plan: Alex c's pickup first, then b, c's drop-off, and d (from Sam); Sam takes e (from the
  // queue); f and the heavy one are left out.
  const board = {
    couriers: [
      courier('alex', 'Alex', [current('a', 'pickup', 'done'), current('a', 'dropoff', 'done'), current('b', 'pickup'), current('b', 'dropoff'), current('c', 'pickup'), current('c', 'dropoff')]),
      courier('sam', 'Sam', [current('d', 'pickup'), current('d', 'dropoff'), current('f', 'pickup'), current('f', 'dropoff')]),
      courier('lou', 'Lou', []),
    ],
    deliveries: ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => delivery(id, 4)).concat(delivery('heavy', 120, null)),
  };
  const proposal = plan({
    rounds: [
      round('alex', 'Alex', [planned('c', 'pickup', 4), planned('b', 'pickup', 8), planned('b', 'dropoff', 4), planned('c', 'dropoff', 0), planned('d', 'pickup', 4), planned('d', 'dropoff', 0)], { reloads: 1, breaks: [{ start: '2026-03-16T11:00:00.000Z', end: '2026-03-16T11:30:00.000Z' }] }),
      round('sam', 'Sam', [planned('e', 'pickup', 4), planned('e', 'dropoff', 0)]),
    ],
    unassigned: [
      { deliveryId: 'heavy', reference: null, reason: 'capacity', message: 'Too heavy or too bulky for every bike on shift.' },
      { deliveryId: 'f', reference: 'F', reason: 'no_room', message: 'Each courier could take it alone, but not with the rest of the day.' },
    ],
    summary: { deliveries: 7, served: 5, couriers: 2, distanceMeters: 24_600, travelSeconds: 7800, moved: 5 },
  });

  it('says, courier by courier, what stays, what changes place, what comes from another round or the queue, and what leaves', () => {
    const { rows, moved } = comparePlan(proposal, board);
    // Lou has neither a stop nor a planned round: no row.
    expect(rows.map((row) => row.courierId)).toEqual(['alex', 'sam']);
    const [alex, sam] = rows as [(typeof rows)[number], (typeof rows)[number]];

    expect(alex.current.map((stop) => [stop.n, stop.key, stop.change.kind])).toEqual([
      [1, 'a:pickup', 'done'],
      [2, 'a:dropoff', 'done'],
      [3, 'b:pickup', 'kept'],
      [4, 'b:dropoff', 'kept'],
      [5, 'c:pickup', 'reordered'],
      [6, 'c:dropoff', 'kept'],
    ]);
    // Planned stops are numbered as they will be once applied: after the two done ones.
    expect(alex.done).toBe(2);
    expect(alex.planned.map((stop) => [stop.n, stop.key, stop.change])).toEqual([
      [3, 'c:pickup', { kind: 'reordered' }],
      [4, 'b:pickup', { kind: 'same' }],
      [5, 'b:dropoff', { kind: 'same' }],
      [6, 'c:dropoff', { kind: 'same' }],
      [7, 'd:pickup', { kind: 'from', courierId: 'sam', courierName: 'Sam' }],
      [8, 'd:dropoff', { kind: 'from', courierId: 'sam', courierName: 'Sam' }],
    ]);
    expect(alex.round?.reloads).toBe(1);
    expect(alex.changes).toBe(3); // c's pickup reordered; d's two stops arrive

    expect(sam.current.map((stop) => [stop.key, stop.change])).toEqual([
      ['d:pickup', { kind: 'to', courierId: 'alex', courierName: 'Alex' }],
      ['d:dropoff', { kind: 'to', courierId: 'alex', courierName: 'Alex' }],
      ['f:pickup', { kind: 'left_out' }],
      ['f:dropoff', { kind: 'left_out' }],
    ]);
    expect(sam.planned.map((stop) => [stop.n, stop.key, stop.change.kind])).toEqual([
      [1, 'e:pickup', 'new'],
      [2, 'e:dropoff', 'new'],
    ]);
    expect(sam.changes).toBe(6);
    // c's pickup, d's two stops, f's two stops: what the API counts as moved.
    expect(moved).toBe(5);
  });

  it("names each planned stop with its reference, its contact or street, its town, its arrival and the load after it", () => {
    const [alex] = comparePlan(proposal, board).rows;
    expect(alex!.planned[0]).toMatchObject({ name: 'C', who: 'Épicerie du centre', city: 'Saint-Étienne', loadAfter: { kg: 4, litres: 8 } });
    expect(alex!.planned[3]).toMatchObject({ name: 'C', who: '2 place du Breuil', city: 'Firminy' });
    expect(Date.parse(alex!.planned[0]!.arrival)).toBeGreaterThan(0);
  });

  it('lists what it leaves out with the reason and the weight, and a delivery without a reference by the end of its id', () => {
    const { leftOut, summary } = comparePlan(proposal, board);
    expect(leftOut).toEqual([
      { deliveryId: 'heavy', name: 'n° heavy', reason: 'capacity', message: 'Too heavy or too bulky for every bike on shift.', weightKg: 120 },
      { deliveryId: 'f', name: 'F', reason: 'no_room', message: 'Each courier could take it alone, but not with the rest of the day.', weightKg: 4 },
    ]);
    expect(summary).toEqual(proposal.summary);
  });

  it("works the summary out from the rounds when the plan has none, and shows a courier the board does not know", () => {
    const { summary, rows } = comparePlan(plan({ rounds: [round('zoe', 'Zoé', [planned('e', 'pickup'), planned('e', 'dropoff')])], unassigned: [{ deliveryId: 'x', reference: 'X', reason: 'time_window', message: '' }] }), board);
    expect(summary).toEqual({ deliveries: 2, served: 1, couriers: 1, distanceMeters: 12_300, travelSeconds: 3900, moved: 8 });
    // Alex and Sam keep their rows (with no planned round), Zoé comes last.
    expect(rows.map((row) => [row.courierId, row.name, row.round === null])).toEqual([
      ['alex', 'Alex', true],
      ['sam', 'Sam', true],
      ['zoe', 'Zoé', false],
    ]);
    expect(rows[0]!.current.filter((stop) => stop.change.kind === 'absent').map((stop) => stop.key)).toEqual(['b:pickup', 'b:dropoff', 'c:pickup', 'c:dropoff']);
    expect(rows[2]!.planned.map((stop) => stop.change.kind)).toEqual(['new', 'new']);
  });

  it('says nothing changes when the plan is the rounds as they are', () => {
    const same = plan({ rounds: [round('alex', 'Alex', [planned('b', 'pickup'), planned('b', 'dropoff'), planned('c', 'pickup'), planned('c', 'dropoff')]), round('sam', 'Sam', [planned('d', 'pickup'), planned('d', 'dropoff'), planned('f', 'pickup'), planned('f', 'dropoff')])] });
    const { rows, moved } = comparePlan(same, board);
    expect(moved).toBe(0);
    expect(rows.map((row) => row.changes)).toEqual([0, 0]);
  });

  it('counts the moved stops as the API does (a longest common subsequence per round), whatever the rounds', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    // Two rounds before, two after, drawn from the same stops (a stop may also vanish or appear).
    const order = fc.shuffledSubarray(ids.flatMap((id) => [`${id}:pickup`, `${id}:dropoff`]));
    fc.assert(
      fc.property(order, order, order, order, (alexNow, samNow, alexNext, samNext) => {
        const samOnly = samNow.filter((key) => !alexNow.includes(key));
        const samNextOnly = samNext.filter((key) => !alexNext.includes(key));
        const toStop = (key: string) => key.split(':') as [string, 'pickup' | 'dropoff'];
        const board = { couriers: [courier('alex', 'Alex', alexNow.map((key) => current(...toStop(key)))), courier('sam', 'Sam', samOnly.map((key) => current(...toStop(key))))], deliveries: [] };
        const next = plan({ rounds: [round('alex', 'Alex', alexNext.map((key) => planned(...toStop(key)))), round('sam', 'Sam', samNextOnly.map((key) => planned(...toStop(key))))] });
        const api = movedStops(
          new Map([
            ['alex', alexNow],
            ['sam', samOnly],
          ]),
          new Map([
            ['alex', alexNext],
            ['sam', samNextOnly],
          ]),
        );
        expect(comparePlan(next, board).moved).toBe(api);
      }),
      RUNS,
    );
  });

  it('keeps in order a subsequence common to both, as long as any', () => {
    const lcs = (a: readonly string[], b: readonly string[]): number => {
      const row = new Array<number>(b.length + 1).fill(0);
      for (const x of a) {
        let diagonal = 0;
        for (let j = 1; j <= b.length; j += 1) {
          const above = row[j] as number;
          row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(above, row[j - 1] as number);
          diagonal = above;
        }
      }
      return row[b.length] as number;
    };
    const keys = fc.uniqueArray(fc.constantFrom(...'abcdefghij'.split('')), { maxLength: 10 });
    fc.assert(
      fc.property(keys, keys, (before, after) => {
        const kept = keptInOrder(before, after);
        expect(kept.size).toBe(lcs(before, after));
        expect(before.filter((key) => kept.has(key))).toEqual(after.filter((key) => kept.has(key)));
      }),
      RUNS,
    );
    expect([...keptInOrder(['a', 'b', 'c'], ['c', 'a', 'b'])]).toEqual(expect.arrayContaining(['a', 'b']));
    expect(keptInOrder([], ['a']).size).toBe(0);
  });

  it('numbers current stops as on the board and keys them as the board does', () => {
    const [alex] = comparePlan(proposal, board).rows;
    expect(alex!.current.map((stop) => stop.key)).toEqual(board.couriers[0]!.round.stops.map(stopKey));
  });
});

describe('the words of a plan', () => {
  it('has a sentence for each of the five reasons, in French and in English', () => {
    expect(UNASSIGNED_REASONS).toEqual(['capacity', 'time_window', 'no_shift', 'skills', 'no_room']);
    for (const reason of UNASSIGNED_REASONS) {
      expect(isKnownReason(reason)).toBe(true);
      expect(fr[`dispatch.plan.reason.${reason}`]).toMatch(/\S/);
      expect(en[`dispatch.plan.reason.${reason}`]).toMatch(/\S/);
    }
    expect(isKnownReason('weather')).toBe(false);
    expect(fr['dispatch.plan.reason.capacity']).toContain('trop lourde');
    expect(en['dispatch.plan.outdated']).toMatch(/^The day changed since this plan was made.*: plan again\.$/);
    expect(fr['dispatch.plan.outdated']).toMatch(/^La journée a changé depuis ce plan.* : planifiez à nouveau\.$/);
  });

  it('gives every plan message in both languages', () => {
    const keys = Object.keys(fr).filter((key) => key.startsWith('dispatch.plan.'));
    expect(keys.length).toBeGreaterThan(40);
    for (const key of keys) expect(en[key as keyof typeof en], key).toBeTypeOf('string');
  });

  it('says durations in hours and minutes, rounded to the minute', () => {
    expect(durationParts(3900)).toEqual({ h: 1, m: 5 });
    expect(durationParts(2700)).toEqual({ h: 0, m: 45 });
    expect(durationParts(29)).toEqual({ h: 0, m: 0 });
    expect(durationParts(3599)).toEqual({ h: 1, m: 0 });
    expect(durationParts(-5)).toEqual({ h: 0, m: 0 });
    expect(durationParts(Number.NaN)).toEqual({ h: 0, m: 0 });
  });

  it('offers 5, 10 and 30 seconds of search (10 by default), and waits for a plan its search time and a minute more', () => {
    expect(PLAN_TIME_LIMITS).toEqual([5, 10, 30]);
    expect(DEFAULT_PLAN_TIME_LIMIT).toBe(10);
    expect(planDeadlineMs(10)).toBe(70_000);
    expect(planDeadlineMs(0)).toBe(61_000);
  });

  it('knows the refusal of an outdated plan', () => {
    expect(isPlanOutdated({ status: 409, code: 'plan_outdated' })).toBe(true);
    expect(isPlanOutdated({ status: 409, code: 'version_conflict' })).toBe(false);
    expect(isPlanOutdated(null)).toBe(false);
  });
});

describe('a proposal made by the system', () => {
  const at = (minutes: number) => new Date(Date.UTC(2026, 2, 16, 8, minutes)).toISOString();
  const applied = plan({ id: 'pln_applied', status: 'applied', createdAt: at(0), appliedAt: at(5) });

  it('is offered when it is ready, made after a booking or a cancellation, after the last plan applied', () => {
    const booking = plan({ id: 'pln_booking', trigger: 'booking', createdAt: at(10) });
    expect(newProposal([booking, applied])?.id).toBe('pln_booking');
    const cancellation = plan({ id: 'pln_cancel', trigger: 'cancellation', createdAt: at(20) });
    // Newest first, as the API lists them; the newest proposal wins even when listed out of order.
    expect(newProposal([booking, cancellation, applied])?.id).toBe('pln_cancel');
  });

  it('is not offered when made before the last plan applied, not ready, asked for, discarded or shown already', () => {
    expect(newProposal([applied, plan({ id: 'old', trigger: 'booking', createdAt: at(3) })])).toBeUndefined();
    expect(newProposal([plan({ id: 'p', trigger: 'booking', status: 'pending', createdAt: at(10) }), applied])).toBeUndefined();
    expect(newProposal([plan({ id: 'f', trigger: 'booking', status: 'failed', createdAt: at(10) }), applied])).toBeUndefined();
    expect(newProposal([plan({ id: 'r', trigger: 'request', createdAt: at(10) }), applied])).toBeUndefined();
    const booking = plan({ id: 'pln_booking', trigger: 'booking', createdAt: at(10) });
    expect(newProposal([booking, applied], new Set(['pln_booking']))).toBeUndefined();
    expect(newProposal([booking, applied], new Set(), 'pln_booking')).toBeUndefined();
    // Applied itself: no notice any more.
    expect(newProposal([{ ...booking, status: 'applied', appliedAt: at(11) }, applied])).toBeUndefined();
    expect(newProposal([])).toBeUndefined();
  });

  it('is offered without a plan applied before (the API only proposes after one, but a list may have lost it)', () => {
    expect(newProposal([plan({ id: 'b', trigger: 'booking', createdAt: at(1) })])?.id).toBe('b');
  });
});

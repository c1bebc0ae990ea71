import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canMove,
  countByStatus,
  deliveryName,
  filterByStatus,
  frenchOf,
  roundName,
  firstOpenIndex,
  groupBySlot,
  isOpenStop,
  isValidOrder,
  loadShare,
  mapModel,
  moveDeliveryBetween,
  moveStop,
  moveStopTo,
  orderProblem,
  outsideShift,
  roundOrder,
  stopKey,
  type StopRef,
} from '../../web/src/pages/dispatch-model.js';
import type { Board, BoardCourier, RoundStop } from '../../web/src/pages/dispatch-types.js';

/**
 * The dispatch board's pure logic (web/src/pages/dispatch-model.ts). The properties run with a
 * fixed seed, so a failure is the same failure on every machine; fast-check prints the smallest
 * round that breaks them.
 */
const SEED = 16_2026;
const RUNS = { seed: SEED, numRuns: 400 };

const p = (deliveryId: string, status: StopRef['status'] = 'pending'): StopRef => ({ deliveryId, type: 'pickup', status });
const d = (deliveryId: string, status: StopRef['status'] = 'pending'): StopRef => ({ deliveryId, type: 'dropoff', status });
const keys = (stops: readonly StopRef[]) => stops.map(stopKey);

/**
 * A courier's round as the API gives it: the stops already done first (a delivered delivery's
 * two stops, a picked-up one's pickup, a failed dropoff), then the open stops, each delivery's
 * pickup before its dropoff, interleaved at random.
 */
const roundArb = (prefix: string) =>
  fc
    .array(fc.constantFrom('open', 'open', 'open', 'picked_up', 'arrived_pickup', 'arrived_dropoff', 'delivered', 'failed'), { maxLength: 7 })
    .chain((states) => fc.tuple(fc.constant(states), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: states.length * 2, maxLength: states.length * 2 })))
    .map(([states, weights]) => {
      const done: StopRef[] = [];
      const open: Array<{ stop: StopRef; weight: number }> = [];
      states.forEach((state, index) => {
        const id = `${prefix}${index}`;
        const w1 = weights[index * 2] as number;
        const w2 = weights[index * 2 + 1] as number;
        if (state === 'delivered') done.push(p(id, 'done'), d(id, 'done'));
        else if (state === 'failed') done.push(p(id, 'done'), d(id, 'failed'));
        else if (state === 'picked_up') {
          done.push(p(id, 'done'));
          open.push({ stop: d(id), weight: w1 });
        } else if (state === 'arrived_dropoff') {
          done.push(p(id, 'done'));
          open.push({ stop: d(id, 'arrived'), weight: w1 });
        } else {
          const [first, second] = w1 <= w2 ? [w1, w2] : [w2, w1];
          open.push({ stop: p(id, state === 'arrived_pickup' ? 'arrived' : 'pending'), weight: first }, { stop: d(id), weight: second });
        }
      });
      open.sort((a, b) => a.weight - b.weight);
      return [...done, ...open.map(({ stop }) => stop)];
    });

/** Same stops (as a multiset), no duplicate, every pickup before its dropoff, done stops where they were. */
function expectSameRound(before: readonly StopRef[], after: readonly StopRef[]): void {
  expect([...keys(after)].sort()).toEqual([...keys(before)].sort());
  expect(new Set(keys(after)).size).toBe(after.length);
  expect(orderProblem(after)).toBeNull();
  before.forEach((stop, index) => {
    if (!isOpenStop(stop)) expect(after[index]).toBe(stop);
  });
}

describe('an order of stops', () => {
  it('is valid with each pickup before its dropoff, each stop once; a dropoff alone is fine (picked up already)', () => {
    expect(isValidOrder([p('a'), p('b'), d('a'), d('b')])).toBe(true);
    expect(isValidOrder([d('c'), p('a'), d('a')])).toBe(true);
    expect(orderProblem([d('a'), p('a')])).toEqual({ code: 'dropoff_before_pickup', deliveryId: 'a' });
    expect(orderProblem([p('a'), d('a'), p('a')])).toEqual({ code: 'duplicate', deliveryId: 'a' });
    expect(isValidOrder([])).toBe(true);
  });

  it('moves a stop up and down, never over its own pickup or dropoff, never past a stop already done', () => {
    const round = [p('x', 'done'), p('a'), p('b'), d('a'), d('b')];
    expect(keys(moveStop(round, 2, -1)!)).toEqual(['x:pickup', 'b:pickup', 'a:pickup', 'a:dropoff', 'b:dropoff']);
    expect(keys(moveStop(round, 3, -1)!)).toEqual(['x:pickup', 'a:pickup', 'a:dropoff', 'b:pickup', 'b:dropoff']);
    // b's pickup cannot go below b's dropoff, a's dropoff cannot go above a's pickup.
    expect(moveStop([p('a'), d('a')], 0, 1)).toBeNull();
    expect(moveStop([p('a'), d('a')], 1, -1)).toBeNull();
    // The first open stop cannot go above a done one; the last cannot go further down.
    expect(moveStop(round, 1, -1)).toBeNull();
    expect(moveStop(round, 4, 1)).toBeNull();
    expect(moveStop(round, 0, 1)).toBeNull();
    expect(canMove(round, 2)).toEqual({ up: true, down: true });
    expect(canMove(round, 1)).toEqual({ up: false, down: true });
    // The list given is left as it was.
    expect(keys(round)).toEqual(['x:pickup', 'a:pickup', 'b:pickup', 'a:dropoff', 'b:dropoff']);
  });

  it('moves a stop to any place (drag and drop) when the order stays valid', () => {
    const round = [p('a'), p('b'), d('b'), d('a')];
    expect(keys(moveStopTo(round, 3, 2)!)).toEqual(['a:pickup', 'b:pickup', 'a:dropoff', 'b:dropoff']);
    expect(keys(moveStopTo(round, 0, 2)!)).toEqual(['b:pickup', 'b:dropoff', 'a:pickup', 'a:dropoff']);
    expect(moveStopTo(round, 0, 3)).toBeNull();
    expect(moveStopTo(round, 1, 1)).toBeNull();
    expect(moveStopTo(round, -1, 1)).toBeNull();
    expect(moveStopTo(round, 1, 9)).toBeNull();
  });

  it('moves a delivery to another round: its open stops only, together, at the end or where asked (after what is done)', () => {
    const alex = [p('x', 'done'), p('a'), p('b'), d('a'), d('b')];
    const sam = [p('y', 'done'), d('y', 'done'), p('c'), d('c')];
    const moved = moveDeliveryBetween(alex, sam, 'a')!;
    expect(keys(moved.from)).toEqual(['x:pickup', 'b:pickup', 'b:dropoff']);
    expect(keys(moved.to)).toEqual(['y:pickup', 'y:dropoff', 'c:pickup', 'c:dropoff', 'a:pickup', 'a:dropoff']);
    expect(keys(moveDeliveryBetween(alex, sam, 'a', 0)!.to)).toEqual(['y:pickup', 'y:dropoff', 'a:pickup', 'a:dropoff', 'c:pickup', 'c:dropoff']);
    expect(keys(moveDeliveryBetween(alex, sam, 'a', 3)!.to)).toEqual(['y:pickup', 'y:dropoff', 'c:pickup', 'a:pickup', 'a:dropoff', 'c:dropoff']);
    // A picked-up delivery moves with its dropoff only; one with nothing left to do does not move.
    const picked = [p('e', 'done'), d('e')];
    expect(keys(moveDeliveryBetween(picked, [], 'e')!.to)).toEqual(['e:dropoff']);
    expect(keys(moveDeliveryBetween(picked, [], 'e')!.from)).toEqual(['e:pickup']);
    expect(moveDeliveryBetween([p('x', 'done'), d('x', 'done')], [], 'x')).toBeNull();
    expect(moveDeliveryBetween(alex, sam, 'zzz')).toBeNull();
    expect(firstOpenIndex(sam)).toBe(2);
    expect(firstOpenIndex([])).toBe(0);
  });

  it('sends every open stop in order, with the version it read', () => {
    const round = [p('x', 'done'), d('x', 'done'), p('e', 'done'), d('e', 'arrived'), p('a'), d('a')];
    expect(roundOrder(round, 4)).toEqual({
      stops: [
        { deliveryId: 'e', type: 'dropoff' },
        { deliveryId: 'a', type: 'pickup' },
        { deliveryId: 'a', type: 'dropoff' },
      ],
      version: 4,
    });
    expect(roundOrder([])).toEqual({ stops: [] });
  });
});

describe('moving stops (properties, seeded)', () => {
  it('the rounds generated are valid, done stops first', () => {
    fc.assert(
      fc.property(roundArb('a'), (round) => {
        expect(orderProblem(round)).toBeNull();
        expect(firstOpenIndex(round)).toBe(round.filter((stop) => !isOpenStop(stop)).length);
      }),
      RUNS,
    );
  });

  it('a move up or down never puts a dropoff before its pickup, never loses or duplicates a stop, and is refused exactly when it would', () => {
    fc.assert(
      fc.property(roundArb('a'), fc.nat(), fc.constantFrom<-1 | 1>(-1, 1), (round, pick, delta) => {
        fc.pre(round.length > 0);
        const index = pick % round.length;
        const moved = moveStop(round, index, delta);
        const target = index + delta;
        const swapped = round.slice();
        if (target >= 0 && target < round.length) [swapped[index], swapped[target]] = [swapped[target] as StopRef, swapped[index] as StopRef];
        const allowed = target >= 0 && target < round.length && isOpenStop(round[index] as StopRef) && isOpenStop(round[target] as StopRef) && isValidOrder(swapped);
        expect(moved !== null).toBe(allowed);
        if (moved) {
          expectSameRound(round, moved);
          expect(moved).toEqual(swapped);
          // And back again.
          expect(moveStop(moved, target, delta === 1 ? -1 : 1)).toEqual(round);
        }
      }),
      RUNS,
    );
  });

  it('a drag and drop to any place keeps the round whole and valid', () => {
    fc.assert(
      fc.property(roundArb('a'), fc.nat(), fc.nat(), (round, from, to) => {
        fc.pre(round.length > 1);
        const moved = moveStopTo(round, from % round.length, to % round.length);
        if (moved) expectSameRound(round, moved);
      }),
      RUNS,
    );
  });

  it('a delivery moved to another round: nothing lost or doubled across both, both valid, every open stop of it moved, done ones left', () => {
    fc.assert(
      fc.property(roundArb('a'), roundArb('b'), fc.nat(), fc.option(fc.integer({ min: -3, max: 20 }), { nil: undefined }), (from, to, pick, position) => {
        fc.pre(from.length > 0);
        const deliveryId = (from[pick % from.length] as StopRef).deliveryId;
        const moved = moveDeliveryBetween(from, to, deliveryId, position);
        const openOfIt = from.filter((stop) => stop.deliveryId === deliveryId && isOpenStop(stop));
        if (openOfIt.length === 0) {
          expect(moved).toBeNull();
          return;
        }
        expect(moved).not.toBeNull();
        const { from: left, to: right } = moved!;
        expect([...keys(left), ...keys(right)].sort()).toEqual([...keys(from), ...keys(to)].sort());
        expect(new Set([...keys(left), ...keys(right)]).size).toBe(from.length + to.length);
        expect(orderProblem(left)).toBeNull();
        expect(orderProblem(right)).toBeNull();
        expect(left.some((stop) => stop.deliveryId === deliveryId && isOpenStop(stop))).toBe(false);
        expect(keys(right.filter((stop) => stop.deliveryId === deliveryId))).toEqual(keys(openOfIt.slice().sort((a, b) => (a.type === b.type ? 0 : a.type === 'pickup' ? -1 : 1))));
        // What was done in the target round stays first, in place.
        to.forEach((stop, index) => {
          if (!isOpenStop(stop)) expect(right[index]).toBe(stop);
        });
      }),
      RUNS,
    );
  });

  it('any sequence of moves within and between three rounds keeps every stop once and every round valid', () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('step' as const), round: fc.nat(2), index: fc.nat(), delta: fc.constantFrom<-1 | 1>(-1, 1) }),
      fc.record({ kind: fc.constant('drag' as const), round: fc.nat(2), from: fc.nat(), to: fc.nat() }),
      fc.record({ kind: fc.constant('between' as const), round: fc.nat(2), other: fc.nat(2), index: fc.nat(), position: fc.option(fc.nat(12), { nil: undefined }) }),
    );
    fc.assert(
      fc.property(roundArb('a'), roundArb('b'), roundArb('c'), fc.array(operation, { maxLength: 30 }), (a, b, c, operations) => {
        let rounds = [a, b, c];
        const all = [...keys(a), ...keys(b), ...keys(c)].sort();
        for (const op of operations) {
          const round = rounds[op.round] as StopRef[];
          if (round.length === 0) continue;
          if (op.kind === 'step') {
            const next = moveStop(round, op.index % round.length, op.delta);
            if (next) rounds = rounds.map((r, i) => (i === op.round ? next : r));
          } else if (op.kind === 'drag') {
            const next = moveStopTo(round, op.from % round.length, op.to % round.length);
            if (next) rounds = rounds.map((r, i) => (i === op.round ? next : r));
          } else if (op.other !== op.round) {
            const moved = moveDeliveryBetween(round, rounds[op.other] as StopRef[], (round[op.index % round.length] as StopRef).deliveryId, op.position);
            if (moved) rounds = rounds.map((r, i) => (i === op.round ? moved.from : i === op.other ? moved.to : r));
          }
          for (const r of rounds) expect(orderProblem(r)).toBeNull();
          expect(rounds.flatMap(keys).sort()).toEqual(all);
        }
      }),
      RUNS,
    );
  });
});

const delivery = (id: string, status: string, slot: { id: string; start: string; end: string } | null, createdAt: string) => ({
  id,
  status,
  createdAt,
  slot: slot ? { ...slot, date: '2026-03-16' } : null,
});

describe('the day by slot', () => {
  const day = [
    delivery('dlv_3', 'booked', { id: 'slt_pm', start: '14:00', end: '16:00' }, '2026-03-15T10:00:00Z'),
    delivery('dlv_1', 'assigned', { id: 'slt_am', start: '09:00', end: '11:00' }, '2026-03-15T09:00:00Z'),
    delivery('dlv_5', 'delivered', null, '2026-03-16T07:00:00Z'),
    delivery('dlv_2', 'booked', { id: 'slt_am', start: '09:00', end: '11:00' }, '2026-03-15T08:00:00Z'),
    delivery('dlv_4', 'failed', { id: 'slt_early', start: '09:00', end: '10:00' }, '2026-03-15T08:30:00Z'),
  ];

  it('groups by slot in the order of the day, booking order inside, the deliveries without a slot last', () => {
    const groups = groupBySlot(day);
    expect(groups.map((group) => group.key)).toEqual(['slt_early', 'slt_am', 'slt_pm', '']);
    expect(groups[1]!.deliveries.map((item) => item.id)).toEqual(['dlv_2', 'dlv_1']);
    expect(groups[3]!.slot).toBeNull();
    expect(groups[0]!.slot).toEqual({ start: '09:00', end: '10:00' });
    expect(groupBySlot([])).toEqual([]);
  });

  it('filters and counts by status', () => {
    expect(filterByStatus(day, 'booked').map((item) => item.id)).toEqual(['dlv_3', 'dlv_2']);
    expect(filterByStatus(day, '')).toHaveLength(5);
    expect(countByStatus(day)).toEqual({ booked: 2, assigned: 1, delivered: 1, failed: 1 });
  });

  it('says "de" in French before a name, elided before a vowel', () => {
    expect(frenchOf('Alex')).toBe('d’Alex');
    expect(frenchOf('Émile')).toBe('d’Émile');
    expect(frenchOf('Sam')).toBe('de Sam');
    expect(roundName('Alex', 'fr')).toBe('la tournée d’Alex');
    expect(roundName('Sam', 'fr')).toBe('la tournée de Sam');
    expect(roundName('Sam', 'en')).toBe('Sam’s round');
  });

  it('names a delivery by its reference, else the end of its id', () => {
    expect(deliveryName({ id: 'dlv_01ABCDEF123456', reference: 'CMD-1001' })).toBe('CMD-1001');
    expect(deliveryName({ id: 'dlv_01ABCDEF123456', reference: null })).toBe('n° 123456');
    expect(deliveryName({ deliveryId: 'dlv_01ABCDEF999999', reference: '  ' })).toBe('n° 999999');
  });
});

describe('load and times', () => {
  it('compares the heaviest moment with the bike in kg and in litres', () => {
    expect(loadShare({ kg: 50, litres: 30 }, { kg: 100, litres: 300 })).toEqual({ kg: 0.5, litres: 0.1, over: false });
    expect(loadShare({ kg: 100, litres: 300 }, { kg: 100, litres: 300 }).over).toBe(false);
    expect(loadShare({ kg: 20, litres: 400 }, { kg: 100, litres: 300 }).over).toBe(true);
    expect(loadShare({ kg: 1, litres: 0 }, { kg: 0, litres: 0 })).toEqual({ kg: Infinity, litres: 0, over: true });
  });

  it('says when the planned round starts before or ends after the shift', () => {
    const shift = { startsAt: '2026-03-16T07:00:00Z', endsAt: '2026-03-16T15:30:00Z' };
    expect(outsideShift({ startsAt: '2026-03-16T07:30:00Z', endsAt: '2026-03-16T12:00:00Z', stops: [1] }, shift)).toBe(false);
    expect(outsideShift({ startsAt: '2026-03-16T06:30:00Z', endsAt: '2026-03-16T12:00:00Z', stops: [1] }, shift)).toBe(true);
    expect(outsideShift({ startsAt: '2026-03-16T07:30:00Z', endsAt: '2026-03-16T16:00:00Z', stops: [1] }, shift)).toBe(true);
    expect(outsideShift({ startsAt: null, endsAt: null, stops: [] }, shift)).toBe(false);
    expect(outsideShift({ startsAt: '2026-03-16T06:30:00Z', endsAt: '2026-03-16T16:00:00Z', stops: [1] }, null)).toBe(false);
  });
});

describe('the map', () => {
  const depot = { label: 'Dépôt de la coopérative', line1: '5 place Jean Jaurès', postcode: '42000', city: 'Saint-Étienne', lat: 45.4412, lng: 4.3866 };
  const stop = (deliveryId: string, type: 'pickup' | 'dropoff', lat: number, lng: number, status: RoundStop['status'] = 'pending'): RoundStop =>
    ({ deliveryId, type, status, late: deliveryId === 'late', address: { line1: 'x', postcode: '42000', city: 'Saint-Étienne', lat, lng } }) as RoundStop;
  const courier = (id: string, stops: RoundStop[], lastPosition: BoardCourier['lastPosition'] = null, shift: BoardCourier['shift'] = null) =>
    ({ id, name: id.toUpperCase(), lastPosition, shift, round: { stops, shift } }) as unknown as BoardCourier;

  it('draws the depot, each position, each stop numbered by order, and each path from the start place through the stops to the end place', () => {
    const board: Pick<Board, 'depot' | 'couriers'> = {
      depot,
      couriers: [
        courier('alex', [stop('a', 'pickup', 45.44, 4.39, 'done'), stop('late', 'pickup', 45.45, 4.4), stop('a', 'dropoff', 45.39, 4.29)], { lat: 45.43, lng: 4.38, at: '2026-03-16T08:00:00Z' }),
        courier('sam', []),
      ],
    };
    const model = mapModel(board, (s, n) => `${n} ${s.type}`);
    expect(model.depot).toEqual({ lat: depot.lat, lng: depot.lng, label: 'Dépôt de la coopérative' });
    const [alex, sam] = model.rounds;
    expect(alex!.stops.map((s) => [s.number, s.type, s.done, s.late, s.label])).toEqual([
      [1, 'pickup', true, false, '1 pickup'],
      [2, 'pickup', false, true, '2 pickup'],
      [3, 'dropoff', false, false, '3 dropoff'],
    ]);
    expect(alex!.path).toEqual([
      { lat: depot.lat, lng: depot.lng },
      { lat: 45.44, lng: 4.39 },
      { lat: 45.45, lng: 4.4 },
      { lat: 45.39, lng: 4.29 },
      { lat: depot.lat, lng: depot.lng },
    ]);
    expect(alex!.position).toEqual({ lat: 45.43, lng: 4.38, at: '2026-03-16T08:00:00Z' });
    expect(sam).toMatchObject({ index: 1, path: [], stops: [], position: null });
    expect(model.points).toContainEqual({ lat: 45.43, lng: 4.38 });
    expect(model.points).toContainEqual({ lat: 45.39, lng: 4.29 });
  });

  it("takes the shift's own start and end places, and draws nothing it cannot place", () => {
    const home = { line1: '2 place du Breuil', postcode: '42700', city: 'Firminy', lat: 45.388, lng: 4.288 };
    const shift = { startPlace: home, endPlace: depot } as unknown as BoardCourier['shift'];
    const model = mapModel({ depot: null, couriers: [courier('alex', [stop('a', 'pickup', 45.44, 4.39), stop('b', 'pickup', Number.NaN, 4)], null, shift)] }, () => '');
    expect(model.depot).toBeNull();
    expect(model.rounds[0]!.stops).toHaveLength(1);
    expect(model.rounds[0]!.path).toEqual([
      { lat: 45.388, lng: 4.288 },
      { lat: 45.44, lng: 4.39 },
      { lat: depot.lat, lng: depot.lng },
    ]);
    expect(mapModel({ depot: null, couriers: [] }, () => '').points).toEqual([]);
  });
});

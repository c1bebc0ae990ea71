import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyTransition, canApply, finalStatuses, type Transition, type TransitionInput } from '../../shared/deliveries/state-machine.js';
import { deliveryStatuses, type Delivery, type DeliveryStatus } from '../../shared/deliveries/schemas.js';
import { AppError } from '../../shared/errors.js';
import { sampleDelivery } from '../fixtures/delivery.js';

/**
 * The lifecycle as the contract words it (docs/api-reference.md, "The lifecycle"), written here
 * on its own rather than read back from `transitions`: booked → assigned → picked_up → delivered;
 * failed from assigned or picked up; cancelled from booked or assigned; re-assignment before pickup;
 * and since issue 16: unassigned back to booked; a failed parcel back at the hub (returned), then
 * rescheduled (booked again) or sent back to its sender (booked, then delivered to the sender).
 */
const contract: ReadonlyArray<{ from: DeliveryStatus; by: Transition; to: DeliveryStatus }> = [
  { from: 'booked', by: 'assign', to: 'assigned' },
  { from: 'assigned', by: 'pick_up', to: 'picked_up' },
  { from: 'picked_up', by: 'deliver', to: 'delivered' },
  { from: 'assigned', by: 'fail', to: 'failed' },
  { from: 'picked_up', by: 'fail', to: 'failed' },
  { from: 'booked', by: 'cancel', to: 'cancelled' },
  { from: 'assigned', by: 'cancel', to: 'cancelled' },
  { from: 'assigned', by: 'assign', to: 'assigned' },
  { from: 'assigned', by: 'unassign', to: 'booked' },
  { from: 'failed', by: 'return', to: 'returned' },
  { from: 'failed', by: 'reschedule', to: 'booked' },
  { from: 'returned', by: 'reschedule', to: 'booked' },
  { from: 'returned', by: 'return_to_sender', to: 'booked' },
  { from: 'picked_up', by: 'deliver_to_sender', to: 'returned_to_sender' },
];
const allTransitions: readonly Transition[] = ['assign', 'unassign', 'pick_up', 'deliver', 'deliver_to_sender', 'fail', 'return', 'reschedule', 'return_to_sender', 'cancel'];
const allowed = (status: DeliveryStatus, transition: Transition) => contract.find((move) => move.from === status && move.by === transition);

const BOOKED_AT = Date.parse('2026-11-26T08:30:00.000Z');
const booked = (at = BOOKED_AT): Delivery =>
  sampleDelivery({ status: 'booked', timeline: [{ status: 'booked', at: new Date(at).toISOString() }], createdAt: new Date(at).toISOString(), updatedAt: new Date(at).toISOString(), version: 1 });

/** The error `fn` throws, or a failure when it throws none. */
function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError, none was thrown');
}

/**
 * One step of a random history: a transition, the server's clock (`now`) and, sometimes, the time
 * a courier's phone reported (`at`), both as offsets from the delivery's last event. A negative
 * `now` offset is a server whose clock is behind the one that wrote the last event; a negative
 * `at` offset is a report older than the last event.
 */
const step = fc.record({
  transition: fc.constantFrom(...allTransitions),
  nowOffsetMs: fc.integer({ min: -60_000, max: 6 * 3600_000 }),
  atOffsetMs: fc.option(fc.integer({ min: -3600_000, max: 6 * 3600_000 }), { nil: undefined }),
});

describe('the delivery state machine, over random histories from a booked delivery', () => {
  it('applies exactly the moves of the contract; the timeline, version and times always explain the status', () => {
    const reached = new Set<DeliveryStatus>();
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 * 365 * 86_400_000 }), fc.array(step, { minLength: 1, maxLength: 14 }), (startOffset, steps) => {
        let delivery = booked(BOOKED_AT + startOffset);
        let applied = 0;
        for (const { transition, nowOffsetMs, atOffsetMs } of steps) {
          const lastAt = Date.parse(delivery.timeline.at(-1)!.at);
          const now = new Date(lastAt + nowOffsetMs);
          const at = atOffsetMs === undefined ? undefined : new Date(lastAt + atOffsetMs);
          const input: TransitionInput = { now, ...(at ? { at } : {}) };
          const move = allowed(delivery.status, transition);

          expect(canApply(delivery.status, transition)).toBe(move !== undefined);
          if (!move) {
            // Refused moves, and every move out of a final status: 409, whatever the times.
            const error = thrown(() => applyTransition(delivery, transition, input));
            expect([error.code, error.status]).toEqual(['invalid_transition', 409]);
            outcomes.add('refused');
            continue;
          }
          expect(finalStatuses).not.toContain(delivery.status);
          if (at && at.getTime() < lastAt) {
            const error = thrown(() => applyTransition(delivery, transition, input));
            expect([error.code, error.status, error.param]).toEqual(['parameter_invalid', 400, 'at']);
            outcomes.add('at before the last event');
            continue;
          }

          const before = delivery;
          delivery = applyTransition(delivery, transition, input);
          applied += 1;
          outcomes.add(at ? 'applied at a reported time' : 'applied at the server time');

          expect(delivery.status).toBe(move.to);
          expect(delivery.version).toBe(before.version + 1);
          const stampedAt = Date.parse(delivery.timeline.at(-1)!.at);
          expect(stampedAt).toBe(at ? at.getTime() : Math.max(now.getTime(), lastAt));
          expect(delivery.timeline.slice(0, -1)).toEqual(before.timeline);
          expect(delivery.id).toBe(before.id);
          expect(delivery.tenantId).toBe(before.tenantId);
        }
        reached.add(delivery.status);

        expect(delivery.timeline.at(-1)!.status).toBe(delivery.status);
        expect(delivery.timeline).toHaveLength(1 + applied);
        expect(delivery.version).toBe(1 + applied);
        const times = delivery.timeline.map((entry) => Date.parse(entry.at));
        times.slice(1).forEach((time, index) => expect(time).toBeGreaterThanOrEqual(times[index]!));
      }),
      { numRuns: 600 },
    );
    // The histories did cover the lifecycle: every status reached, every kind of outcome seen.
    expect([...reached].sort()).toEqual([...deliveryStatuses].sort());
    expect([...outcomes].sort()).toEqual(['applied at a reported time', 'applied at the server time', 'at before the last event', 'refused'].sort());
  });

  it('calls final exactly the statuses the contract lets nothing leave', () => {
    const leavable = new Set(contract.map((move) => move.from));
    expect([...finalStatuses].sort()).toEqual(deliveryStatuses.filter((status) => !leavable.has(status)).sort());
    for (const status of finalStatuses) for (const transition of allTransitions) expect(canApply(status, transition), `${status} ${transition}`).toBe(false);
  });
});

describe('the time a change is stamped with', () => {
  const lastEvent = '2026-11-26T10:00:00.500Z';
  const assigned = () => applyTransition(booked(), 'assign', { now: new Date(lastEvent), courierId: 'cou_01JDQ6V7M5B8XK2ZQ3W4E5R6T9' });

  it('is the server time when the change carries no `at`', () => {
    const picked = applyTransition(assigned(), 'pick_up', { now: new Date('2026-11-26T10:07:00.000Z') });
    expect(picked.timeline.at(-1)).toEqual({ status: 'picked_up', at: '2026-11-26T10:07:00.000Z' });
  });

  it('is the last event time when the server that writes runs behind the one that wrote it (never back in time)', () => {
    const picked = applyTransition(assigned(), 'pick_up', { now: new Date('2026-11-26T10:00:00.380Z') });
    expect(picked.timeline.at(-1)).toEqual({ status: 'picked_up', at: lastEvent });
  });

  it('is the reported `at` when given, even equal to the last event, and later than the server time', () => {
    expect(applyTransition(assigned(), 'pick_up', { now: new Date('2026-11-26T10:30:00Z'), at: new Date(lastEvent) }).timeline.at(-1)!.at).toBe(lastEvent);
    expect(applyTransition(assigned(), 'pick_up', { now: new Date('2026-11-26T10:30:00Z'), at: new Date('2026-11-26T10:31:00Z') }).timeline.at(-1)!.at).toBe('2026-11-26T10:31:00.000Z');
  });

  it('refuses a reported `at` one millisecond before the last event: 400 parameter_invalid on `at`', () => {
    const error = thrown(() => applyTransition(assigned(), 'pick_up', { now: new Date('2026-11-26T10:30:00Z'), at: new Date('2026-11-26T10:00:00.499Z') }));
    expect({ code: error.code, status: error.status, param: error.param }).toEqual({ code: 'parameter_invalid', status: 400, param: 'at' });
  });
});

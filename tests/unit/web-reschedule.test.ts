import { describe, expect, it } from 'vitest';
import { translate } from '../../web/src/i18n.js';
import { afterFailureState, canCheckIn, canReschedule, canReturnToSender, failureReasonKey, parisInstant, rescheduleBody, timelineWords } from '../../web/src/pages/reschedule-model.js';
import type { DeliveryStatus, TimelineEntry } from '../../web/src/types.js';

/** After a failure, in the web app (web/src/pages/reschedule-model.ts): what can be done, the body sent, the timeline in words. */
const at = '2026-03-10T09:00:00.000Z';
const entries = (...statuses: Array<DeliveryStatus | [DeliveryStatus, Partial<TimelineEntry>]>): TimelineEntry[] =>
  statuses.map((item) => (Array.isArray(item) ? { status: item[0], at, ...item[1] } : { status: item, at }));

describe('what can be done after a failure', () => {
  it('checks in a parcel the courier had on the bike, then reschedules it or returns it to its sender', () => {
    const onBike = { status: 'failed' as const, timeline: entries('booked', 'assigned', 'picked_up', 'failed') };
    expect([afterFailureState(onBike), canCheckIn(onBike), canReschedule(onBike), canReturnToSender(onBike)]).toEqual(['on_bike', true, false, false]);
    const atHub = { status: 'returned' as const, timeline: [...onBike.timeline, ...entries('returned')] };
    expect([afterFailureState(atHub), canCheckIn(atHub), canReschedule(atHub), canReturnToSender(atHub)]).toEqual(['at_hub', false, true, true]);
  });

  it('reschedules at once a failure before pickup (nothing to bring back), not to the sender', () => {
    const never = { status: 'failed' as const, timeline: entries('booked', 'assigned', 'failed') };
    expect([afterFailureState(never), canCheckIn(never), canReschedule(never), canReturnToSender(never)]).toEqual(['not_picked_up', false, true, false]);
  });

  it("counts only the current attempt's pickup", () => {
    const second = {
      status: 'failed' as const,
      attempt: 2,
      timeline: entries('booked', 'assigned', 'picked_up', 'failed', 'returned', ['booked', { step: 'rescheduled', attempt: 2 }], ['assigned', { attempt: 2 }], ['failed', { attempt: 2 }]),
    };
    expect(afterFailureState(second)).toBe('not_picked_up');
    expect(canReschedule(second)).toBe(true);
  });

  it('offers nothing for a delivery under way or done', () => {
    for (const status of ['booked', 'assigned', 'picked_up', 'delivered', 'cancelled', 'returned_to_sender'] as const) {
      const delivery = { status, timeline: entries('booked') };
      expect([afterFailureState(delivery), canCheckIn(delivery), canReschedule(delivery), canReturnToSender(delivery)]).toEqual([null, false, false, false]);
    }
  });
});

describe('Paris times', () => {
  it('turns a Paris day and clock time into the instant, winter and summer', () => {
    expect(parisInstant('2026-01-15', '14:30')).toBe('2026-01-15T13:30:00.000Z');
    expect(parisInstant('2026-07-15', '14:30')).toBe('2026-07-15T12:30:00.000Z');
    // The days of the changes: before and after the change of the night.
    expect(parisInstant('2026-03-29', '01:30')).toBe('2026-03-29T00:30:00.000Z');
    expect(parisInstant('2026-03-29', '09:00')).toBe('2026-03-29T07:00:00.000Z');
    expect(parisInstant('2026-10-25', '09:00')).toBe('2026-10-25T08:00:00.000Z');
    expect(parisInstant('2026-10-25', '00:30')).toBe('2026-10-24T22:30:00.000Z');
  });

  it('refuses what is not a day and a time', () => {
    expect(parisInstant('15/01/2026', '14:30')).toBeNull();
    expect(parisInstant('2026-01-15', '2pm')).toBeNull();
    expect(parisInstant('2026-01-15', '25:00')).toBeNull();
  });
});

describe('the body of a new attempt', () => {
  const now = new Date('2026-03-10T10:00:00Z');
  it('sends the slot when one is chosen, else the day; the drop-off window in Paris time', () => {
    expect(rescheduleBody({ date: '2026-03-11', slotId: '', windowFrom: '', windowTo: '' }, now)).toEqual({ body: { date: '2026-03-11' } });
    expect(rescheduleBody({ date: '2026-03-11', slotId: 'slot_1', windowFrom: '', windowTo: '' }, now)).toEqual({ body: { slotId: 'slot_1' } });
    expect(rescheduleBody({ date: '2026-03-10', slotId: '', windowFrom: '14:00', windowTo: '16:30' }, now)).toEqual({
      body: { date: '2026-03-10', dropoffWindow: { start: '2026-03-10T13:00:00.000Z', end: '2026-03-10T15:30:00.000Z' } },
    });
  });

  it('says what is wrong: no day, a past day (Paris), half a window, a window backwards', () => {
    expect(rescheduleBody({ date: '', slotId: '', windowFrom: '', windowTo: '' }, now)).toEqual({ problem: 'date_missing' });
    expect(rescheduleBody({ date: '2026-03-09', slotId: '', windowFrom: '', windowTo: '' }, now)).toEqual({ problem: 'date_past' });
    // 23:30 UTC on the 9th is already the 10th in Paris: the 9th is past.
    expect(rescheduleBody({ date: '2026-03-09', slotId: '', windowFrom: '', windowTo: '' }, new Date('2026-03-09T23:30:00Z'))).toEqual({ problem: 'date_past' });
    expect(rescheduleBody({ date: '2026-03-11', slotId: '', windowFrom: '14:00', windowTo: '' }, now)).toEqual({ problem: 'window_incomplete' });
    expect(rescheduleBody({ date: '2026-03-11', slotId: '', windowFrom: '16:00', windowTo: '14:00' }, now)).toEqual({ problem: 'window_order' });
  });
});

describe('the timeline in words', () => {
  const t = (lang: 'fr' | 'en', words: ReturnType<typeof timelineWords>) => translate(lang, words.key, words.reasonKey ? { reason: translate(lang, words.reasonKey) } : words.vars);
  const delivery = { failure: { code: 'absent' as const, note: null, at, attempt: 1 }, returnToSender: false, attempt: 2 };

  it('says where the courier arrived, the failure with its reason, the new attempt', () => {
    expect(t('fr', timelineWords({ status: 'assigned', at, step: 'arrived', stop: 'pickup' }, delivery))).toBe('Coursier·e arrivé·e au retrait');
    expect(t('en', timelineWords({ status: 'picked_up', at, step: 'arrived', stop: 'dropoff' }, delivery))).toBe('Courier arrived at the drop-off');
    expect(t('fr', timelineWords({ status: 'failed', at }, delivery))).toBe('Échec : personne n’était là pour recevoir le colis');
    expect(t('fr', timelineWords({ status: 'returned', at }, delivery))).toBe('Revenue au hub');
    expect(t('fr', timelineWords({ status: 'booked', at, step: 'rescheduled', attempt: 2 }, delivery))).toBe('Nouvelle tentative programmée');
    expect(t('en', timelineWords({ status: 'booked', at, step: 'rescheduled', attempt: 2 }, { ...delivery, returnToSender: true }))).toBe('Return to sender scheduled');
    // A failure of another attempt than the last one recorded is said by its status only.
    expect(t('en', timelineWords({ status: 'failed', at, attempt: 2 }, delivery))).toBe('Failed');
  });

  it('has words for every failure code, and for an unknown one', () => {
    for (const code of ['absent', 'refused', 'address_not_found', 'damaged', 'inaccessible', 'other']) expect(translate('en', failureReasonKey(code))).not.toContain('after.');
    expect(failureReasonKey('brand_new')).toBe('after.failure.reason.other');
  });
});

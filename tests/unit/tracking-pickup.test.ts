import { describe, expect, it } from 'vitest';
import { estimateEta } from '../../shared/tracking/eta.js';
import { GreatCircleRouter } from '../../shared/geo/router.js';
import { sampleDelivery } from '../fixtures/delivery.js';

/** A ressourcerie's pickup is tracked by the donor, who waits at the pickup address. */
const router = new GreatCircleRouter();
const now = Date.parse('2026-11-27T09:00:00.000Z');
const donorPickup = (overrides: Parameters<typeof sampleDelivery>[0] = {}) =>
  sampleDelivery({ kind: 'pickup', status: 'assigned', courierId: 'cou_01JDQ6V7M5B8XK2ZQ3W4E5R6T7', ...overrides });

describe('the ETA of a pickup at a donor\'s home', () => {
  it('is the courier\'s arrival at the pickup, from a fresh position', async () => {
    const near = await estimateEta(donorPickup({ lastPosition: { lat: 45.445, lng: 4.39, at: new Date(now - 60_000).toISOString() } }), router, now);
    const far = await estimateEta(donorPickup({ lastPosition: { lat: 45.388, lng: 4.288, at: new Date(now - 60_000).toISOString() } }), router, now);
    expect(near?.basis).toBe('courier_position');
    expect(Date.parse(far?.earliest ?? '')).toBeGreaterThan(Date.parse(near?.earliest ?? ''));
    // Riding to the drop-off afterwards is not the donor's concern: the near courier arrives within minutes.
    expect(Date.parse(near?.earliest ?? '') - now).toBeLessThan(10 * 60_000);
  });

  it('is the booked slot when the courier\'s position is not known', async () => {
    const window = { start: '2026-11-27T10:00:00.000Z', end: '2026-11-27T12:00:00.000Z' };
    const eta = await estimateEta(donorPickup({ pickup: { ...sampleDelivery().pickup, window } }), router, now);
    expect(eta).toEqual({ earliest: window.start, latest: window.end, basis: 'slot' });
  });

  it('is not shown once the items are picked up, nor without a position or a slot', async () => {
    expect(await estimateEta(donorPickup({ status: 'picked_up' }), router, now)).toBeUndefined();
    expect(await estimateEta(donorPickup(), router, now)).toBeUndefined();
  });
});

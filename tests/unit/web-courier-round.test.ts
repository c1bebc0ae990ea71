import { describe, expect, it } from 'vitest';
import type { NewStep, QueuedStep } from '../../web/src/courier/queue.js';
import { actionsFor, applyQueued, navigationLinks, nextStopIndex, telLink } from '../../web/src/courier/round-view.js';
import type { CourierRound, RoundStop, StepBody } from '../../web/src/courier/types.js';
import { checkPhoto, formatMegabytes, sniffImageType } from '../../web/src/courier/photo.js';

/** The courier's round as shown: the server's answer with the queued steps on top, and each stop's buttons. */

const address = { line1: '2 place du Breuil', postcode: '42700', city: 'Firminy', lat: 45.388, lng: 4.288 };
function stop(deliveryId: string, type: 'pickup' | 'dropoff', status: RoundStop['status'] = 'pending'): RoundStop {
  return {
    deliveryId,
    type,
    tenantId: 'ten_1',
    reference: `REF-${deliveryId}`,
    kind: 'delivery',
    status,
    address,
    contact: { name: 'Camille', phone: '+33 6 12 34 56 78' },
    instructions: null,
    window: null,
    parcels: [{ weightKg: 4.5, description: 'Panier' }],
    weightKg: 4.5,
  };
}

function round(stops: RoundStop[], onBike: CourierRound['onBike'] = []): CourierRound {
  return {
    object: 'courier_round',
    courier: { id: 'cou_1', object: 'courier', name: 'Alex', email: null, userId: null },
    date: '2030-05-06',
    shift: null,
    round: { object: 'round', courierId: 'cou_1', date: '2030-05-06', stops },
    onBike,
    positionReporting: { active: false, intervalSeconds: 60 },
  };
}

let counter = 0;
function queued(deliveryId: string, body: NewStep['body']): QueuedStep {
  counter += 1;
  return {
    id: `k${counter}`,
    key: `k${counter}`,
    deliveryId,
    body: { at: '2030-05-06T08:00:00.000Z', ...body } as StepBody,
    attachments: [],
    label: { reference: null, stop: 'pickup', address: '' },
    queuedAt: '2030-05-06T08:00:00.000Z',
    attempts: 0,
  };
}

describe('the round with the queued steps applied', () => {
  const server = round([stop('d1', 'pickup'), stop('d1', 'dropoff'), stop('d2', 'pickup'), stop('d2', 'dropoff')]);

  it('offers arrived first, then picked up; a dropoff waits for its pickup', () => {
    const view = applyQueued(server, []);
    expect(view.stops.map((item) => actionsFor(item, view))).toEqual([['arrived', 'failed'], [], ['arrived', 'failed'], []]);
    expect(nextStopIndex(view)).toBe(0);
  });

  it('applies steps taken offline: the parcel on the bike, the dropoff open, marked as waiting to be sent', () => {
    const view = applyQueued(server, [queued('d1', { type: 'arrived', stop: 'pickup' }), queued('d1', { type: 'picked_up' })]);
    expect(view.stops[0]).toMatchObject({ status: 'done', waiting: true });
    expect(view.onBike.map((item) => [item.deliveryId, item.weightKg])).toEqual([['d1', 4.5]]);
    expect(actionsFor(view.stops[1]!, view)).toEqual(['arrived', 'failed']);
    const arrived = applyQueued(server, [queued('d1', { type: 'picked_up' }), queued('d1', { type: 'arrived', stop: 'dropoff' })]);
    expect(actionsFor(arrived.stops[1]!, arrived)).toEqual(['delivered', 'failed']);
    expect(nextStopIndex(arrived)).toBe(1);
  });

  it('steps the server has (sent, the round not read again yet) apply without the waiting mark', () => {
    const view = applyQueued(server, [queued('d1', { type: 'arrived', stop: 'dropoff' })], [queued('d1', { type: 'picked_up' })]);
    expect(view.stops.slice(0, 2).map((item) => [item.status, item.waiting])).toEqual([['done', false], ['arrived', true]]);
  });

  it('delivered takes the parcel off the bike; a failure after pickup offers the return to the hub, which ends it', () => {
    const delivered = applyQueued(server, [queued('d1', { type: 'picked_up' }), queued('d1', { type: 'delivered', proof: {} })]);
    expect(delivered.stops[1]?.status).toBe('done');
    expect(delivered.onBike).toEqual([]);
    expect(nextStopIndex(delivered)).toBe(2);

    const failed = applyQueued(server, [queued('d1', { type: 'picked_up' }), queued('d1', { type: 'failed', reasonCode: 'absent' })]);
    expect(failed.stops[1]?.status).toBe('failed');
    expect(actionsFor(failed.stops[1]!, failed)).toEqual(['returned']);
    expect(failed.onBike).toHaveLength(1);
    const returned = applyQueued(server, [queued('d1', { type: 'picked_up' }), queued('d1', { type: 'failed', reasonCode: 'absent' }), queued('d1', { type: 'returned' })]);
    expect(returned.onBike).toEqual([]);
    expect(actionsFor(returned.stops[1]!, returned)).toEqual([]);
  });

  it('a failure before pickup fails both stops, with nothing to bring back', () => {
    const view = applyQueued(server, [queued('d2', { type: 'failed', reasonCode: 'address_not_found' })]);
    expect(view.stops.slice(2).map((item) => item.status)).toEqual(['failed', 'failed']);
    expect(view.stops.slice(2).map((item) => actionsFor(item, view))).toEqual([[], []]);
  });

  it('from the server: a failed parcel still on the bike offers its return; once off the bike it is back at the hub', () => {
    const failed = [stop('d1', 'pickup', 'done'), stop('d1', 'dropoff', 'failed')];
    const onBike = applyQueued(round(failed, [{ deliveryId: 'd1', reference: 'R', parcels: [], weightKg: 4.5 }]), []);
    expect([onBike.stops[1]?.returned, actionsFor(onBike.stops[1]!, onBike)]).toEqual([false, ['returned']]);
    const back = applyQueued(round(failed, []), []);
    expect([back.stops[1]?.returned, actionsFor(back.stops[1]!, back)]).toEqual([true, []]);
    // Failed before pickup: nothing came back, nothing to bring back.
    const early = applyQueued(round([stop('d2', 'pickup', 'failed'), stop('d2', 'dropoff', 'failed')], []), []);
    expect(early.stops.map((item) => [item.returned, actionsFor(item, early)])).toEqual([[false, []], [false, []]]);
  });

  it('a parcel already on the bike (server) is delivered from its dropoff', () => {
    const view = applyQueued(round([stop('d3', 'dropoff')], [{ deliveryId: 'd3', reference: 'R', parcels: [], weightKg: 2 }]), []);
    expect(actionsFor(view.stops[0]!, view)).toEqual(['arrived', 'failed']);
  });
});

describe('links and photos', () => {
  it('opens the phone’s navigation app and OpenStreetMap, and calls the contact', () => {
    const links = navigationLinks(address);
    expect(links.geo).toBe('geo:45.388,4.288?q=45.388%2C4.288(2%20place%20du%20Breuil%2C%2042700%20Firminy)');
    expect(links.web).toContain('https://www.openstreetmap.org/directions?engine=fossgis_osrm_bike&route=%3B45.388%2C4.288');
    expect(navigationLinks({ line1: '1 rue X', postcode: '42000', city: 'Saint-Étienne' }).web).toBe('https://www.openstreetmap.org/search?query=1%20rue%20X%2C%2042000%20Saint-%C3%89tienne');
    expect(telLink('+33 6 12.34 56 78')).toBe('tel:+33612345678');
  });

  it('takes JPEG, PNG and WebP by their first bytes; refuses other files and photos over 10 MB before any upload', async () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
    const webp = new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 ');
    expect([sniffImageType(jpeg), sniffImageType(png), sniffImageType(webp), sniffImageType(new TextEncoder().encode('%PDF-1.7'))]).toEqual(['image/jpeg', 'image/png', 'image/webp', null]);
    expect(await checkPhoto(new Blob([jpeg], { type: 'image/jpeg' }))).toEqual({ ok: true, contentType: 'image/jpeg' });
    // A PDF named .jpg is not a photo.
    expect(await checkPhoto(new Blob(['%PDF-1.7 ...'], { type: 'image/jpeg' }))).toMatchObject({ ok: false, reason: 'not_image' });
    expect(await checkPhoto(new Blob([]))).toMatchObject({ ok: false, reason: 'empty' });
    const big = new Blob([jpeg, new Uint8Array(40 * 1024 * 1024)], { type: 'image/jpeg' });
    expect(await checkPhoto(big)).toMatchObject({ ok: false, reason: 'too_large' });
    expect(formatMegabytes(big.size, 'fr')).toBe('40 Mo');
    expect(formatMegabytes(10.5 * 1024 * 1024, 'en')).toBe('10.5 MB');
  });
});

/**
 * The round as the courier sees it: the server's last answer with the steps still waiting in the
 * queue applied on top (so a step taken offline shows at once), and what can be done at each
 * stop. Pure functions, unit-tested.
 */
import type { QueuedStep } from './queue.js';
import type { CourierRound, OnBike, RoundStop, StepType, StopType } from './types.js';

export interface StopView extends RoundStop {
  /** Taken on the phone, not yet confirmed by the server. */
  waiting: boolean;
  /** The delivery's parcel came back to the hub (`returned`), as far as the phone knows. */
  returned: boolean;
}

export interface RoundView {
  stops: StopView[];
  onBike: OnBike[];
}

const sameStop = (stop: RoundStop, deliveryId: string, type: StopType) => stop.deliveryId === deliveryId && stop.type === type;

/**
 * The server's round with the steps taken on the phone applied, oldest first: `sent` ones (the
 * server has them, the round was not read again since) then the `queued` ones, still waiting
 * (their stops marked `waiting`).
 */
export function applyQueued(data: CourierRound, queued: readonly QueuedStep[], sent: readonly QueuedStep[] = []): RoundView {
  const serverStops = data.round.stops;
  // A dropoff that failed after its pickup, whose parcel is no longer on the bike, came back to
  // the hub (the round's `onBike` keeps a failed parcel until its `returned` step).
  const cameBack = (stop: RoundStop) => {
    if (stop.type !== 'dropoff' || stop.status !== 'failed') return false;
    const pickup = serverStops.find((other) => sameStop(other, stop.deliveryId, 'pickup'));
    return (!pickup || pickup.status === 'done') && !data.onBike.some((item) => item.deliveryId === stop.deliveryId);
  };
  const stops: StopView[] = serverStops.map((stop) => ({ ...stop, waiting: false, returned: cameBack(stop) }));
  let onBike = [...data.onBike];
  let waiting = false;
  const set = (deliveryId: string, type: StopType, status: RoundStop['status']) => {
    for (const stop of stops) if (sameStop(stop, deliveryId, type)) Object.assign(stop, { status, waiting: stop.waiting || waiting });
  };
  const addOnBike = (deliveryId: string) => {
    if (onBike.some((item) => item.deliveryId === deliveryId)) return;
    const pickup = stops.find((stop) => sameStop(stop, deliveryId, 'pickup')) ?? stops.find((stop) => stop.deliveryId === deliveryId);
    if (pickup) onBike = [...onBike, { deliveryId, reference: pickup.reference, parcels: pickup.parcels, weightKg: pickup.weightKg, ...(pickup.litres !== undefined ? { litres: pickup.litres } : {}) }];
  };
  const removeFromBike = (deliveryId: string) => {
    onBike = onBike.filter((item) => item.deliveryId !== deliveryId);
  };
  for (const [index, step] of [...sent, ...queued].entries()) {
    waiting = index >= sent.length;
    const { deliveryId, body } = step;
    switch (body.type) {
      case 'arrived':
        for (const stop of stops) if (sameStop(stop, deliveryId, body.stop) && stop.status === 'pending') Object.assign(stop, { status: 'arrived', waiting: stop.waiting || waiting });
        break;
      case 'picked_up':
        set(deliveryId, 'pickup', 'done');
        addOnBike(deliveryId);
        break;
      case 'delivered':
        set(deliveryId, 'dropoff', 'done');
        removeFromBike(deliveryId);
        break;
      case 'failed':
        // The delivery's open stops fail: the one the courier is at, and the dropoff after it.
        for (const stop of stops) if (stop.deliveryId === deliveryId && stop.status !== 'done') Object.assign(stop, { status: 'failed', waiting: stop.waiting || waiting });
        break;
      case 'returned':
        removeFromBike(deliveryId);
        for (const stop of stops) if (stop.deliveryId === deliveryId) Object.assign(stop, { returned: true, waiting: stop.waiting || waiting });
        break;
    }
  }
  return { stops, onBike };
}

/** The steps a stop offers now, the main one first; empty when nothing is to be done there. */
export function actionsFor(stop: StopView, view: RoundView): StepType[] {
  const onBike = view.onBike.some((item) => item.deliveryId === stop.deliveryId);
  if (stop.status === 'done' || stop.returned) return [];
  if (stop.status === 'failed') return stop.type === 'dropoff' && onBike ? ['returned'] : [];
  if (stop.type === 'dropoff') {
    // The parcel must be on the bike first (its pickup done).
    const pickup = view.stops.find((other) => other.deliveryId === stop.deliveryId && other.type === 'pickup');
    if (pickup && pickup.status !== 'done') return [];
    return stop.status === 'pending' ? ['arrived', 'failed'] : ['delivered', 'failed'];
  }
  return stop.status === 'pending' ? ['arrived', 'failed'] : ['picked_up', 'failed'];
}

/** The first stop with something to do (the round's next stop), if any. */
export function nextStopIndex(view: RoundView): number {
  return view.stops.findIndex((stop) => actionsFor(stop, view).some((action) => action !== 'returned'));
}

/** Links that open the phone's navigation app at the stop: `geo:` (Android) and OpenStreetMap directions. */
export function navigationLinks(address: { line1: string; line2?: string; postcode: string; city: string; lat?: number; lng?: number }): { geo: string | null; web: string } {
  const text = [address.line1, address.line2, `${address.postcode} ${address.city}`].filter(Boolean).join(', ');
  if (typeof address.lat === 'number' && typeof address.lng === 'number') {
    const point = `${address.lat},${address.lng}`;
    return {
      geo: `geo:${point}?q=${encodeURIComponent(`${point}(${text})`)}`,
      web: `https://www.openstreetmap.org/directions?engine=fossgis_osrm_bike&route=%3B${encodeURIComponent(point)}#map=17/${address.lat}/${address.lng}`,
    };
  }
  return { geo: `geo:0,0?q=${encodeURIComponent(text)}`, web: `https://www.openstreetmap.org/search?query=${encodeURIComponent(text)}` };
}

/** A phone number as a `tel:` link (spaces and dots dropped, the leading + kept). */
export function telLink(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

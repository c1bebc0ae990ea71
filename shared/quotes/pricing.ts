import { activeGeocoder, activeRouter } from '../geo/adapters.js';
import { resolveCoordinates } from '../geo/geocoder.js';
import { checkCapacity, isInServiceArea } from '../geo/service-area.js';
import { pricingContext } from '../hub/settings.js';
import { priceDelivery } from '../pricing/price.js';
import type { DropoffStop, PickupStop, Quote, QuoteRequest } from './schemas.js';
import { pricingErrors } from './errors.js';


/** The longest a booking may look ahead. */
const MAX_DAYS_AHEAD = 90;

export type PricedRequest = Pick<Quote, 'pickup' | 'dropoff' | 'parcels' | 'service' | 'price' | 'lines' | 'distanceMeters'>;

/** A quote request with both stops known (the one it left out filled in: `completeStops`). */
export type PricingRequest = Omit<QuoteRequest, 'pickup' | 'dropoff'> & { pickup: PickupStop; dropoff: DropoffStop };

function checkWindow(window: { start: string; end: string } | undefined, param: string, now: Date): void {
  if (!window) return;
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  if (end <= start) throw pricingErrors.error('parameter_invalid', `${param}.end must be after ${param}.start.`, { param: `${param}.end` });
  if (end <= now.getTime()) throw pricingErrors.error('parameter_invalid', `${param} is already over.`, { param: `${param}.end` });
  if (start > now.getTime() + MAX_DAYS_AHEAD * 86_400_000) {
    throw pricingErrors.error('parameter_invalid', `${param} must start within ${MAX_DAYS_AHEAD} days.`, { param: `${param}.start` });
  }
}

function checkDimensions(parcels: PricingRequest['parcels']): void {
  parcels.forEach((parcel, index) => {
    const given = [parcel.lengthCm, parcel.widthCm, parcel.heightCm].filter((value) => value !== undefined).length;
    if (given !== 0 && given !== 3) {
      throw pricingErrors.error('parameter_invalid', `parcels[${index}] must give lengthCm, widthCm and heightCm together, or none.`, { param: `parcels[${index}]` });
    }
  });
}

/**
 * Turns a quote request into a priced one: coordinates (given or geocoded), service area,
 * capacity, windows, route distance, and the tenant's rate card. Every refusal names its field.
 * The lines are labelled in the default language (French): that is what is stored, and what
 * readers without a language of their own (webhooks, the bus) see; API readers get them in
 * theirs (`localizeLines`).
 */
export async function priceRequest(tenantId: string, request: PricingRequest, now = new Date()): Promise<PricedRequest> {
  checkWindow(request.pickup.window, 'pickup.window', now);
  checkWindow(request.dropoff.window, 'dropoff.window', now);
  checkDimensions(request.parcels);
  const geocoder = activeGeocoder();
  const [pickupAt, dropoffAt, context] = await Promise.all([
    resolveCoordinates(request.pickup.address, geocoder, 'pickup.address'),
    resolveCoordinates(request.dropoff.address, geocoder, 'dropoff.address'),
    pricingContext(tenantId),
  ]);
  for (const [point, param] of [
    [pickupAt, 'pickup.address'],
    [dropoffAt, 'dropoff.address'],
  ] as const) {
    if (!isInServiceArea(context.serviceArea, point)) {
      throw pricingErrors.error('outside_service_area', `${param} is outside the area the hub serves.`, { param });
    }
  }
  checkCapacity(context.capacity, request.parcels);
  const distanceMeters = await activeRouter().distanceMeters(pickupAt, dropoffAt);
  const priced = priceDelivery(context.rateCard, { distanceMeters, parcels: request.parcels, service: request.service });
  return {
    pickup: { ...request.pickup, address: { ...request.pickup.address, ...pickupAt } },
    dropoff: { ...request.dropoff, address: { ...request.dropoff.address, ...dropoffAt } },
    parcels: request.parcels,
    service: request.service,
    price: priced.price,
    lines: priced.lines,
    distanceMeters,
  };
}

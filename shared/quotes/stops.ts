import type { DeliveryKind } from '../deliveries/schemas.js';
import type { DropoffStop, PickupStop } from './schemas.js';
import { AppError } from '../errors.js';
import { activeGeocoder } from '../geo/adapters.js';
import { resolveCoordinates } from '../geo/geocoder.js';
import { defaultPickupView } from '../tenants/default-pickup.js';
import { getTenant } from '../tenants/service.js';
import { stopErrors } from './errors.js';


export interface StopsRequest {
  pickup?: PickupStop | undefined;
  dropoff?: DropoffStop | undefined;
  kind?: DeliveryKind | undefined;
}

export type WithStops<R> = R & { pickup: PickupStop; dropoff: DropoffStop };

/**
 * The tenant's own place fills the stop a request leaves out, so a tenant never has to repeat
 * its address. Which stop that is depends on the kind: for a delivery, the pickup (the parcels
 * leave from the tenant); for a pickup (a ressourcerie collecting a donation at the donor's
 * home), the drop-off: the pickup is then the donor's address, and the items come back to the
 * tenant. The other stop is the caller's to give. Reads the tenant only when a stop is missing.
 */
export async function completeStops<R extends StopsRequest>(tenantId: string, request: R): Promise<WithStops<R>> {
  const kind = request.kind ?? 'delivery';
  const own = kind === 'pickup' ? 'dropoff' : 'pickup';
  const theirs = kind === 'pickup' ? 'pickup' : 'dropoff';
  if (request[theirs] === undefined) {
    throw stopErrors.error(
      'parameter_missing',
      kind === 'pickup'
        ? 'pickup is required for a pickup (kind "pickup"): it is the donor\'s address. Leave dropoff out to bring the items to your default pickup place.'
        : 'dropoff is required: where the parcels go.',
      { param: theirs },
    );
  }
  if (request[own] !== undefined) return request as WithStops<R>;
  return { ...request, [own]: await tenantStop(tenantId, own) } as WithStops<R>;
}

async function tenantStop(tenantId: string, param: 'pickup' | 'dropoff'): Promise<DropoffStop> {
  const place = defaultPickupView(await getTenant(tenantId));
  const stop = { address: place.address, contact: place.contact, ...(place.instructions === null ? {} : { instructions: place.instructions }) };
  if (place.address.lat !== undefined && place.address.lng !== undefined) return stop;
  // Only a registered address can lack coordinates: a saved default pickup is located when saved.
  try {
    return { ...stop, address: { ...place.address, ...(await resolveCoordinates(place.address, activeGeocoder(), `${param}.address`)) } };
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'address_not_geocoded') throw error;
    throw stopErrors.error(
      'address_not_geocoded',
      `${param} was left out, so the tenant's registered address applies, and it has no lat/lng that the hub can find. Save a default pickup with its coordinates (PUT /v1/tenants/${tenantId}/default-pickup), or give ${param} with lat and lng.`,
      { param, cause: error },
    );
  }
}

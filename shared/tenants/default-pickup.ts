import { activeGeocoder } from '../geo/adapters.js';
import { resolveCoordinates } from '../geo/geocoder.js';
import { isInServiceArea } from '../geo/service-area.js';
import { pricingContext } from '../hub/settings.js';
import { tenantRepository } from './repository.js';
import type { DefaultPickup, DefaultPickupView, SetDefaultPickupBody, Tenant } from './schemas.js';
import { getTenant } from './service.js';
import { defaultPickupErrors } from './errors.js';


/**
 * A tenant's default pickup: where its parcels leave from when a quote or booking does not say
 * (and, for a ressourcerie's pickups, where the collected items go). Saved once, located once:
 * a default without coordinates would cost a geocoding on every quote.
 */
export async function setDefaultPickup(tenantId: string, input: SetDefaultPickupBody, now = new Date()): Promise<DefaultPickupView> {
  const tenant = await getTenant(tenantId);
  const [point, context] = await Promise.all([resolveCoordinates(input.address, activeGeocoder(), 'address'), pricingContext(tenantId)]);
  // Refused now rather than on every quote that would use it.
  if (!isInServiceArea(context.serviceArea, point)) {
    throw defaultPickupErrors.error('outside_service_area', 'address is outside the area the hub serves: no quote could start from it.', { param: 'address' });
  }
  const saved: DefaultPickup = {
    address: { ...input.address, ...point },
    contact: input.contact ?? null,
    instructions: input.instructions ?? null,
    updatedAt: now.toISOString(),
  };
  await tenantRepository.setDefaultPickup(tenantId, saved);
  return defaultPickupView({ ...tenant, defaultPickup: saved });
}

export async function getDefaultPickup(tenantId: string): Promise<DefaultPickupView> {
  return defaultPickupView(await getTenant(tenantId));
}

/** What applies: the saved default pickup, else the registered address with the tenant's name as the contact. */
export function defaultPickupView(tenant: Tenant): DefaultPickupView {
  const saved = tenant.defaultPickup;
  if (saved) {
    return {
      object: 'default_pickup',
      tenantId: tenant.id,
      source: 'saved',
      address: saved.address,
      contact: saved.contact ?? { name: tenant.name },
      instructions: saved.instructions,
      updatedAt: saved.updatedAt,
    };
  }
  return { object: 'default_pickup', tenantId: tenant.id, source: 'tenant_address', address: tenant.address, contact: { name: tenant.name }, instructions: null, updatedAt: null };
}

import { billingEvents } from '../billing/events.js';
import { deliveryEvents } from '../deliveries/events.js';
import { catalogOf, type EventDefinition } from '../events/definition.js';
import { tenantEvents } from '../tenants/events.js';
import { planEvents } from '../planning/plans.js';
import { standingOrderEvents } from '../standing-orders/events.js';

/** Every event type this system puts on the bus, from every area (`shared/<area>/events.ts`). */
export const eventCatalog = catalogOf(tenantEvents, deliveryEvents, billingEvents, planEvents, standingOrderEvents);

export const allEvents: readonly EventDefinition[] = Object.values(eventCatalog);

/** What a tenant may see of its own data's history: every event but the internal ones. */
export const publicEvents: readonly EventDefinition[] = allEvents.filter((definition) => !definition.internal);

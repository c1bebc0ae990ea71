import { encodeTime } from 'ulid';
import { defineEntity, tenantKey } from '../db/entity.js';
import type { TransactItem } from '../db/items.js';
import type { Page, PageRequest } from '../db/pagination.js';
import { isId } from '../ids.js';
import type { Delivery, DeliveryStatus } from './schemas.js';
import { serviceDateOf, withLifecycleDefaults } from './day.js';

/** A tenant's deliveries (gsi1), a tenant's deliveries in one status (gsi2). */
const tenantListing = (tenantId: string) => `${tenantKey(tenantId)}#DLV`;
const tenantStatusListing = (tenantId: string, status: string) => `${tenantKey(tenantId)}#DLV#${status}`;
/** The hub's deliveries in one status (gsi3): the operator's assignment queue. */
const hubStatusListing = (status: string) => `HUB#DLV#${status}`;
/** A courier's open deliveries (gsi4). */
const courierOpenListing = (courierId: string) => `COURIER#${courierId}#OPEN`;
/** The hub's deliveries of one Paris day (gsi6): the dispatch board and the rounds. */
const dayListing = (date: string) => `HUB#DAY#${date}`;

export const deliveries = defineEntity<Delivery, Pick<Delivery, 'tenantId' | 'id'>>({
  name: 'delivery',
  key: ({ tenantId, id }) => ({ pk: `${tenantKey(tenantId)}#DLV#${id}`, sk: 'DELIVERY' }),
  // The index keys follow the status: recomputed on every write of the delivery.
  indexes: (delivery) => {
    const open = delivery.courierId !== null && (delivery.status === 'assigned' || delivery.status === 'picked_up');
    // A first leg (pickup → hub) is the hub's business: not in the tenant's own lists (nor its billing reconciliation).
    const listed = !delivery.leg;
    return {
      gsi1pk: listed ? tenantListing(delivery.tenantId) : undefined,
      gsi1sk: listed ? delivery.id : undefined,
      gsi2pk: listed ? tenantStatusListing(delivery.tenantId, delivery.status) : undefined,
      gsi2sk: listed ? delivery.id : undefined,
      gsi3pk: hubStatusListing(delivery.status),
      gsi3sk: delivery.id,
      gsi4pk: open ? courierOpenListing(delivery.courierId as string) : undefined,
      gsi4sk: open ? delivery.id : undefined,
      // Lookup by id alone, for the hub and couriers, who do not know the tenant.
      gsi5pk: delivery.id,
      gsi5sk: 'DELIVERY',
      gsi6pk: dayListing(delivery.serviceDate ?? serviceDateOf(delivery)),
      gsi6sk: delivery.id,
    };
  },
  parse: (attributes) => withLifecycleDefaults(attributes as unknown as Delivery),
  versioned: true,
});

interface TrackingLink {
  token: string;
  tenantId: string;
  deliveryId: string;
}

/** The public tracking token points at its delivery (the link is all a recipient has). */
export const trackingLinks = defineEntity<TrackingLink, Pick<TrackingLink, 'token'>>({
  name: 'tracking',
  key: ({ token }) => ({ pk: `TRACK#${token}`, sk: 'TRACK' }),
  stored: ({ tenantId, deliveryId }) => ({ tenantId, deliveryId }),
});

export const deliveryRepository = {
  /** A new delivery: refused if one exists under its id. */
  create(delivery: Delivery): TransactItem {
    return deliveries.create(delivery);
  },

  /** The delivery's tracking link, created with it (never over another delivery's token). */
  createTrackingLink(delivery: Delivery): TransactItem {
    return trackingLinks.create({ token: delivery.tracking.token, tenantId: delivery.tenantId, deliveryId: delivery.id });
  },

  /** The next version of a delivery: never over a version someone else wrote. */
  replace(delivery: Delivery, previousVersion: number): TransactItem {
    return deliveries.replace(delivery, previousVersion);
  },

  /** A tenant's own delivery: one GetItem (the tenant is in the key). */
  async get(tenantId: string, deliveryId: string, consistent = false): Promise<Delivery | undefined> {
    if (!isId('delivery', deliveryId)) return undefined;
    return deliveries.get({ tenantId, id: deliveryId }, { consistent });
  },

  /** Any tenant's delivery, for the hub and couriers: one Query on the id index. */
  async findById(deliveryId: string): Promise<Delivery | undefined> {
    if (!isId('delivery', deliveryId)) return undefined;
    const [delivery] = await deliveries.queryAll({ partition: { gsi5pk: deliveryId }, limit: 1 });
    return delivery;
  },

  /** The delivery a public tracking link points at: the link's pointer item, then the delivery (two GetItems). */
  async findByTrackingToken(token: string): Promise<Delivery | undefined> {
    const link = await trackingLinks.get({ token });
    if (!link) return undefined;
    const delivery = await deliveryRepository.get(String(link.tenantId), String(link.deliveryId));
    return delivery?.tracking.token === token ? delivery : undefined;
  },

  /** A tenant's deliveries, newest first; `booked` bounds their booking time (their ids sort by it). */
  async listForTenant(tenantId: string, status: DeliveryStatus | undefined, page: PageRequest, booked?: { from?: Date | undefined; to?: Date | undefined }): Promise<Page<Delivery>> {
    const partition = status === undefined ? { gsi1pk: tenantListing(tenantId) } : { gsi2pk: tenantStatusListing(tenantId, status) };
    const range =
      booked && (booked.from || booked.to)
        ? { between: [`dlv_${encodeTime(Math.max(0, booked.from?.getTime() ?? 0), 10)}`, `dlv_${encodeTime(Math.min(2 ** 48 - 1, booked.to?.getTime() ?? 2 ** 48 - 1), 10)}~`] as const }
        : undefined;
    return deliveries.query({ partition, page, descending: true, ...(range ? { range } : {}) });
  },

  async listForHub(status: DeliveryStatus, page: PageRequest): Promise<Page<Delivery>> {
    return deliveries.query({ partition: { gsi3pk: hubStatusListing(status) }, page, descending: true });
  },

  /** Every delivery of one Paris day, any status, oldest booking first (a few hundred at most). */
  async listForDay(date: string): Promise<Delivery[]> {
    return deliveries.queryAll({ partition: { gsi6pk: dayListing(date) } });
  },

  /** Every open delivery of a courier (assigned or picked up), whatever the day. */
  async listAllOpenForCourier(courierId: string): Promise<Delivery[]> {
    return deliveries.queryAll({ partition: { gsi4pk: courierOpenListing(courierId) } });
  },

  async listOpenForCourier(courierId: string, page: PageRequest): Promise<Page<Delivery>> {
    return deliveries.query({ partition: { gsi4pk: courierOpenListing(courierId) }, page });
  },

  /**
   * Every delivery of a tenant in one status booked between two instants. The status listing
   * sorts by id, and ids sort by booking time, so the range bounds the Query instead of reading
   * the tenant's whole history.
   */
  async listForTenantBookedBetween(tenantId: string, status: DeliveryStatus, from: Date, to: Date): Promise<Delivery[]> {
    return deliveries.queryAll({
      partition: { gsi2pk: tenantStatusListing(tenantId, status) },
      range: { between: [`dlv_${encodeTime(Math.max(0, from.getTime()), 10)}`, `dlv_${encodeTime(to.getTime(), 10)}~`] },
    });
  },
};

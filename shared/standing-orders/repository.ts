import { defineEntity, tenantKey } from '../db/entity.js';
import type { TransactItem } from '../db/items.js';
import type { Page, PageRequest } from '../db/pagination.js';
import { writeIf, writeOne } from '../db/transact.js';
import { isId } from '../ids.js';
import type { Closure, OccurrenceOverride, StandingOrder, StandingOrderStatus } from './schemas.js';

/**
 * Standing orders, their occurrences and the closures they skip.
 *
 * - An order lives under its tenant; listed by tenant (gsi1), for the hub (gsi2), by status for
 *   the runner (gsi3: `HUB#STO#active`, never a scan), and found by id alone (gsi5).
 * - An occurrence record (one per order and date, in the order's partition: `OCC#<date>`) exists
 *   once something happened to that day: booked, skipped, failed, or changed. Its conditional
 *   write goes in the booking's own transaction, so a date is booked once whatever runs at the
 *   same time.
 * - Closures: one list per tenant, one for the hub.
 */
export interface StoredOccurrence {
  tenantId: string;
  standingOrderId: string;
  date: string;
  state: 'scheduled' | 'booked' | 'skipped' | 'failed';
  deliveryId: string | null;
  skipReason: string | null;
  /**
   * Why a `skipped` day is skipped: the tenant's skip (absent on older records), or the system's
   * when a closure, a public holiday or an edit of the rule took away a day booked already (its
   * delivery cancelled). A system skip is no tenant's decision: the day is booked again when it
   * becomes bookable (the closure removed).
   */
  skipCode?: StoredSkipCode | null;
  failure: { code: string; message: string; at: string; eventId: string; notifiedAt: string | null } | null;
  override: OccurrenceOverride | null;
  updatedAt: string;
  version: number;
}

export type StoredSkipCode = 'skipped_by_tenant' | 'closure' | 'public_holiday' | 'not_in_rule';

export interface StoredClosures {
  scope: 'tenant' | 'hub';
  tenantId: string | null;
  closures: Closure[];
  updatedAt: string;
}

const orderPartition = (tenantId: string, id: string) => `${tenantKey(tenantId)}#STO#${id}`;
const tenantOrders = (tenantId: string) => `${tenantKey(tenantId)}#STO`;
const HUB_ORDERS = 'HUB#STO';
const hubStatusOrders = (status: StandingOrderStatus) => `HUB#STO#${status}`;
const ORDER = 'STANDING_ORDER';
const occurrenceKey = (date: string) => `OCC#${date}`;

export const standingOrders = defineEntity<StandingOrder, Pick<StandingOrder, 'tenantId' | 'id'>>({
  name: 'standing_order',
  key: ({ tenantId, id }) => ({ pk: orderPartition(tenantId, id), sk: ORDER }),
  indexes: (order) => ({
    gsi1pk: tenantOrders(order.tenantId),
    gsi1sk: order.id,
    gsi2pk: HUB_ORDERS,
    gsi2sk: order.id,
    gsi3pk: hubStatusOrders(order.status),
    gsi3sk: order.id,
    gsi5pk: order.id,
    gsi5sk: ORDER,
  }),
  versioned: true,
});

export const occurrenceRecords = defineEntity<StoredOccurrence, Pick<StoredOccurrence, 'tenantId' | 'standingOrderId' | 'date'>>({
  name: 'standing_order_occurrence',
  key: ({ tenantId, standingOrderId, date }) => ({ pk: orderPartition(tenantId, standingOrderId), sk: occurrenceKey(date) }),
  versioned: true,
});

export const closureLists = defineEntity<StoredClosures, Pick<StoredClosures, 'scope' | 'tenantId'>>({
  name: 'closure_list',
  key: ({ scope, tenantId }) => (scope === 'hub' ? { pk: 'HUB#CLOSURES', sk: 'CLOSURES' } : { pk: `${tenantKey(tenantId as string)}#CLOSURES`, sk: 'CLOSURES' }),
});

export const standingOrderRepository = {
  create(order: StandingOrder): TransactItem {
    return standingOrders.create(order);
  },

  /** The next version of an order, over the version read. */
  replace(order: StandingOrder, previousVersion: number): TransactItem {
    return standingOrders.replace(order, previousVersion);
  },

  async get(tenantId: string, id: string, consistent = false): Promise<StandingOrder | undefined> {
    if (!isId('standingOrder', id)) return undefined;
    return standingOrders.get({ tenantId, id }, { consistent });
  },

  async findById(id: string): Promise<StandingOrder | undefined> {
    if (!isId('standingOrder', id)) return undefined;
    const [order] = await standingOrders.queryAll({ partition: { gsi5pk: id }, range: { equals: ORDER }, limit: 1 });
    return order;
  },

  async listForTenant(tenantId: string, page: PageRequest): Promise<Page<StandingOrder>> {
    return standingOrders.query({ partition: { gsi1pk: tenantOrders(tenantId) }, page, descending: true });
  },

  async listAll(page: PageRequest): Promise<Page<StandingOrder>> {
    return standingOrders.query({ partition: { gsi2pk: HUB_ORDERS }, page, descending: true });
  },

  /** Every order in a status (the runner reads the active ones), from the status index. */
  /** A tenant's orders in a status (a closure change re-evaluates its active ones). */
  async listForTenantByStatus(tenantId: string, status: StandingOrderStatus): Promise<StandingOrder[]> {
    return (await standingOrders.queryAll({ partition: { gsi1pk: tenantOrders(tenantId) } })).filter((order) => order.status === status);
  },

  async listByStatus(status: StandingOrderStatus): Promise<StandingOrder[]> {
    return standingOrders.queryAll({ partition: { gsi3pk: hubStatusOrders(status) } });
  },

  /** A check, in a booking's transaction, that the order is still the version the booking was made from (not edited, paused or ended meanwhile). */
  unchanged(order: StandingOrder): TransactItem {
    return standingOrders.check(order, { expression: '#version = :version', names: { '#version': 'version' }, values: { ':version': order.version } });
  },

  async getOccurrence(tenantId: string, standingOrderId: string, date: string): Promise<StoredOccurrence | undefined> {
    return occurrenceRecords.get({ tenantId, standingOrderId, date }, { consistent: true });
  },

  /** The records of an order's days from `from` to `to`, inclusive. */
  async listOccurrences(tenantId: string, standingOrderId: string, from: string, to: string): Promise<StoredOccurrence[]> {
    return occurrenceRecords.queryAll({ partition: { pk: orderPartition(tenantId, standingOrderId) }, range: { between: [occurrenceKey(from), occurrenceKey(to)] }, consistent: true });
  },

  /**
   * An occurrence's next state: created when there was no record (refused if one appeared
   * meanwhile), else over the version read (refused if anyone wrote it since). In a booking's
   * transaction, that refusal is what makes a second booking of the same date impossible.
   */
  writeOccurrence(occurrence: StoredOccurrence, previous: StoredOccurrence | undefined): TransactItem {
    return previous === undefined ? occurrenceRecords.create(occurrence) : occurrenceRecords.replace(occurrence, previous.version);
  },

  async saveOccurrence(occurrence: StoredOccurrence, previous: StoredOccurrence | undefined, onConflict: () => Error): Promise<void> {
    await writeOne(standingOrderRepository.writeOccurrence(occurrence, previous), onConflict);
  },

  /** The failure's e-mail was sent: recorded over the version read (a booking meanwhile wins). */
  async markNotified(record: StoredOccurrence, now: Date): Promise<boolean> {
    if (!record.failure) return false;
    return writeIf(occurrenceRecords.replace({ ...record, failure: { ...record.failure, notifiedAt: now.toISOString() }, version: record.version + 1 }, record.version));
  },

  async getClosures(scope: 'tenant' | 'hub', tenantId: string | null): Promise<StoredClosures | undefined> {
    return closureLists.get({ scope, tenantId }, { consistent: true });
  },

  putClosures(list: StoredClosures): TransactItem {
    return closureLists.put(list);
  },
};

import type { Principal } from '../auth/principal.js';
import { tenantScopeOf } from '../auth/access.js';
import type { Page, PageRequest } from '../db/pagination.js';
import { writeOne } from '../db/transact.js';
import { deliveries } from '../deliveries/repository.js';
import type { Delivery, DeliveryStatus } from '../deliveries/schemas.js';
import { isId, newId } from '../ids.js';
import { logger } from '../logging/logger.js';
import { LocalDate } from '../slots/schemas.js';
import { checkClosures, closuresFor, hubClosures, putClosures, withIds } from './closures.js';
import { occurrenceErrors, standingOrderChangeErrors, standingOrderErrors, standingOrderListErrors, standingOrderReadErrors } from './errors.js';
import { type ClosurePeriod, addDays, checkRecurrence, daysBetween, occurrences, publicHolidayOn, ruleDates, closureOn, windowOn } from './recurrence.js';
import { standingOrderRepository as repository, type StoredOccurrence } from './repository.js';
import { cancelBooked } from './cancel.js';
import { bookHorizon, bookOccurrence, type Reconciled, DEFAULT_HORIZON_DAYS, dropoffWindow, parisToday, rebookOccurrence, spec, tooLate } from './runner.js';
import type {
  ClosureInput,
  ClosureList,
  CreateStandingOrderBody,
  Occurrence,
  OccurrenceOverride,
  PatchStandingOrderBody,
  Preview,
  PreviewStandingOrderBody,
  StandingOrder,
} from './schemas.js';
import { MAX_HORIZON_DAYS } from './schemas.js';

const MAX_RANGE_DAYS = 366;
const DEFAULT_PREVIEW_COUNT = 20;

type Shape = Pick<StandingOrder, 'window' | 'pickupWindow' | 'slotStart' | 'rrule' | 'startDate' | 'endDate'> & { closures: ReadonlyArray<{ start: string; end: string; reason: string }> };

/** Everything about an order that can be checked without the table: windows, recurrence, dates, closures. */
function checkShape(order: Shape): void {
  if (order.window.end <= order.window.start) throw standingOrderErrors.error('parameter_invalid', `window.end (${order.window.end}) must be after window.start (${order.window.start}).`, { param: 'window.end' });
  if (order.pickupWindow) {
    if (order.pickupWindow.end <= order.pickupWindow.start) throw standingOrderErrors.error('parameter_invalid', 'pickupWindow.end must be after pickupWindow.start.', { param: 'pickupWindow.end' });
    if (!order.pickupWindow.dayBefore && order.pickupWindow.start >= order.window.end) {
      throw standingOrderErrors.error('parameter_invalid', 'pickupWindow must start before the drop-off window ends (or set dayBefore: true for an evening pickup the day before).', { param: 'pickupWindow.start' });
    }
    if (order.slotStart !== null) throw standingOrderErrors.error('parameter_invalid', "slotStart gives the pickup window (the hub's slot): leave pickupWindow out.", { param: 'slotStart' });
  }
  checkClosures(order.closures);
  checkRecurrence(order);
}

function orderFrom(tenantId: string, body: CreateStandingOrderBody, now: Date): StandingOrder {
  const at = now.toISOString();
  return {
    id: newId('standingOrder', now.getTime()),
    object: 'standing_order',
    tenantId,
    status: 'active',
    reference: body.reference ?? null,
    pickup: body.pickup ?? null,
    dropoff: body.dropoff,
    parcels: body.parcels,
    service: body.service,
    window: body.window,
    pickupWindow: body.pickupWindow ?? null,
    slotStart: body.slotStart ?? null,
    rrule: body.rrule.trim(),
    startDate: body.startDate,
    endDate: body.endDate ?? null,
    skipPublicHolidays: body.skipPublicHolidays,
    closures: withIds(body.closures),
    endedOn: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

/** Books an order's horizon right after a change; a failure there never fails the change (the daily run tries again). */
async function bookNow(order: StandingOrder, now: Date, closures?: ClosurePeriod[]): Promise<Reconciled> {
  try {
    const { cancelledDeliveryIds, conflicts } = await bookHorizon(order, now, DEFAULT_HORIZON_DAYS, closures);
    return { cancelledDeliveryIds, conflicts };
  } catch (error) {
    logger.error('standing order: booking the horizon failed', { standingOrderId: order.id, error: error instanceof Error ? error.message : String(error) });
    return { cancelledDeliveryIds: [], conflicts: [] };
  }
}

/**
 * `PUT /v1/closures` and `PUT /v1/hub/closures`: the list replaced, then the tenant's active and
 * paused orders (every one, for the hub's) re-evaluated at once: a booked day now closed has
 * its delivery cancelled, free, while still `booked` (its day `skipped`, `closure`, with the
 * reason); an assigned one is kept and listed in `conflicts`; a reopened day is booked.
 */
export async function changeClosures(scope: 'tenant' | 'hub', tenantId: string | null, closures: readonly ClosureInput[], now = new Date()): Promise<ClosureList & Reconciled> {
  const list = await putClosures(scope, tenantId, closures, now);
  const orders = (
    await Promise.all((['active', 'paused'] as const).map((status) => (scope === 'tenant' ? repository.listForTenantByStatus(tenantId as string, status) : repository.listByStatus(status))))
  ).flat();
  const hub = await hubClosures();
  const result: Reconciled = { cancelledDeliveryIds: [], conflicts: [] };
  for (const order of orders) {
    const done = await bookNow(order, now, await closuresFor(order.tenantId, hub));
    result.cancelledDeliveryIds.push(...done.cancelledDeliveryIds);
    result.conflicts.push(...done.conflicts);
  }
  return { ...list, ...result };
}

/** `POST /v1/standing-orders`: the order, then its horizon booked at once (each day at most once). */
export async function createStandingOrder(tenantId: string, body: CreateStandingOrderBody, now = new Date()): Promise<StandingOrder> {
  const order = orderFrom(tenantId, body, now);
  checkShape(order);
  await writeOne(repository.create(order), () => new Error(`standing order ${order.id} exists already`), { result: order });
  await bookNow(order, now);
  return order;
}

/** What an order would give, written nowhere: the next occurrences with the skipped days and why. */
export async function previewStandingOrder(tenantId: string, body: PreviewStandingOrderBody, now = new Date()): Promise<Preview> {
  const order = orderFrom(tenantId, body, now);
  checkShape(order);
  const first = order.startDate > parisToday(now) ? order.startDate : parisToday(now);
  if (body.until !== undefined && body.until < first) throw standingOrderErrors.error('parameter_invalid', `until (${body.until}) is before the first day shown (${first}).`, { param: 'until' });
  if (body.until !== undefined && daysBetween(first, body.until) > MAX_RANGE_DAYS) throw standingOrderErrors.error('parameter_invalid', `until is more than ${MAX_RANGE_DAYS} days after ${first}.`, { param: 'until' });
  const last = body.until ?? addDays(first, MAX_RANGE_DAYS);
  const count = body.until !== undefined ? Number.POSITIVE_INFINITY : (body.count ?? DEFAULT_PREVIEW_COUNT);
  const all = occurrences(spec(order), await closuresFor(tenantId), first, last);
  const shown = all.slice(0, count);
  return {
    object: 'standing_order_preview',
    data: shown.map((day) => ({
      date: day.date,
      bookable: day.bookable,
      window: windowOn(day.date, order.window),
      reason: day.bookable ? null : day.skip,
    })),
    hasMore: all.length > shown.length || (body.until === undefined && order.endDate === null) || (order.endDate !== null && order.endDate > last),
  };
}

/** An order the caller may see: a tenant its own (another's is a 404), the hub any. */
export async function loadStandingOrder(principal: Principal, id: string, consistent = false): Promise<StandingOrder> {
  const own = tenantScopeOf(principal);
  const order = own !== undefined ? await repository.get(own, id, consistent) : principal.role === 'admin' ? await repository.findById(id) : undefined;
  if (!order) throw standingOrderReadErrors.notFound('standing order', id);
  // Found through the id index (eventually consistent): a consistent read asked for is made from the table, by its key.
  return own === undefined && consistent ? ((await repository.get(order.tenantId, id, true)) ?? order) : order;
}

export async function listStandingOrders(principal: Principal, tenantId: string | undefined, page: PageRequest): Promise<Page<StandingOrder>> {
  const own = tenantScopeOf(principal);
  if (own !== undefined) {
    if (tenantId !== undefined && tenantId !== own) throw standingOrderListErrors.error('parameter_invalid', "tenantId: a tenant's key lists its own standing orders only.", { param: 'tenantId' });
    return repository.listForTenant(own, page);
  }
  if (principal.role !== 'admin') throw standingOrderListErrors.error('forbidden', 'Standing orders are read by their tenant and the hub.');
  if (tenantId !== undefined) return isId('tenant', tenantId) ? repository.listForTenant(tenantId, page) : { data: [], hasMore: false, nextCursor: null };
  return repository.listAll(page);
}

async function saveOrder(next: StandingOrder, previous: StandingOrder): Promise<StandingOrder> {
  await writeOne(repository.replace(next, previous.version), () =>
    standingOrderChangeErrors.error('version_conflict', 'The standing order changed while this change was being made: read it again and redo the change.'),
  );
  return next;
}

/**
 * An edit: applies to the days not booked yet; a booked day keeps its delivery while the order
 * still gives it, and one the edit takes away (rule, dates, closures, holidays) is cancelled
 * while still `booked` (else kept and listed in `conflicts`).
 */
export async function updateStandingOrder(principal: Principal, id: string, body: PatchStandingOrderBody, now = new Date()): Promise<StandingOrder & Reconciled> {
  const current = await loadStandingOrder(principal, id, true);
  if (body.version !== undefined && body.version !== current.version) {
    throw standingOrderChangeErrors.error('version_conflict', `The standing order is at version ${current.version}, not ${body.version}: read it again and redo the change.`);
  }
  if (current.status === 'ended') throw standingOrderChangeErrors.error('invalid_transition', 'This standing order has ended: it can no longer be changed (create a new one).');
  const { version: _version, closures, ...fields } = body;
  const next: StandingOrder = {
    ...current,
    ...(fields.reference !== undefined ? { reference: fields.reference } : {}),
    ...(fields.pickup !== undefined ? { pickup: fields.pickup } : {}),
    ...(fields.dropoff !== undefined ? { dropoff: fields.dropoff } : {}),
    ...(fields.parcels !== undefined ? { parcels: fields.parcels } : {}),
    ...(fields.service !== undefined ? { service: fields.service } : {}),
    ...(fields.window !== undefined ? { window: fields.window } : {}),
    ...(fields.pickupWindow !== undefined ? { pickupWindow: fields.pickupWindow } : {}),
    ...(fields.slotStart !== undefined ? { slotStart: fields.slotStart } : {}),
    ...(fields.rrule !== undefined ? { rrule: fields.rrule.trim() } : {}),
    ...(fields.startDate !== undefined ? { startDate: fields.startDate } : {}),
    ...(fields.endDate !== undefined ? { endDate: fields.endDate } : {}),
    ...(fields.skipPublicHolidays !== undefined ? { skipPublicHolidays: fields.skipPublicHolidays } : {}),
    ...(closures !== undefined ? { closures: withIds(closures, current.closures) } : {}),
    updatedAt: now.toISOString(),
    version: current.version + 1,
  };
  checkShape(next);
  const saved = await saveOrder(next, current);
  // A booked day the edit takes away (rule, dates, closures, holidays) is cancelled while still `booked`.
  return { ...saved, ...(await bookNow(saved, now)) };
}

export async function pauseStandingOrder(principal: Principal, id: string, now = new Date()): Promise<StandingOrder> {
  const current = await loadStandingOrder(principal, id, true);
  if (current.status === 'paused') return current;
  if (current.status === 'ended') throw standingOrderChangeErrors.error('invalid_transition', 'This standing order has ended: it cannot be paused.');
  return saveOrder({ ...current, status: 'paused', updatedAt: now.toISOString(), version: current.version + 1 }, current);
}

export async function resumeStandingOrder(principal: Principal, id: string, now = new Date()): Promise<StandingOrder> {
  const current = await loadStandingOrder(principal, id, true);
  if (current.status === 'ended') throw standingOrderChangeErrors.error('invalid_transition', 'This standing order has ended: ending is final (create a new one).');
  const saved = current.status === 'active' ? current : await saveOrder({ ...current, status: 'active', updatedAt: now.toISOString(), version: current.version + 1 }, current);
  await bookNow(saved, now);
  return saved;
}

/**
 * Ends an order from a day on (today by default): nothing is booked from that day. Deliveries
 * already booked for that day or later and still `booked` are cancelled, free (both legs through
 * the hub); those assigned to a courier or under way are kept and listed with why (the hub or
 * the tenant cancels them one by one). Each day is cancelled on its own: one that fails (the
 * table briefly unavailable, a change meanwhile) is listed as kept with its reason, and ending
 * the order again finishes the cancellations (an ended order answers what is left, not a 409).
 */
export async function endStandingOrder(principal: Principal, id: string, date: string | undefined, now = new Date()): Promise<StandingOrder & { cancelledDeliveryIds: string[]; keptDeliveryIds: string[]; kept: Array<{ date: string; deliveryId: string; reason: string }> }> {
  const current = await loadStandingOrder(principal, id, true);
  let ended: StandingOrder;
  let from: string;
  if (current.status === 'ended') {
    // Ending again: the same end, finishing what is left to cancel.
    from = current.endedOn ?? addDays(current.endDate ?? parisToday(now), 1);
    if (date !== undefined && date !== from) throw standingOrderChangeErrors.error('invalid_transition', `This standing order has ended already (from ${from}): ending it again finishes the cancellations from that day only.`);
    ended = current;
  } else {
    const today = parisToday(now);
    from = date ?? today;
    if (from < today) throw standingOrderChangeErrors.error('parameter_invalid', `date (${from}) is in the past: an order ends today (${today}) at the earliest.`, { param: 'date' });
    // Ended before it started: endDate falls before startDate, and the order has no day at all.
    const lastDay = addDays(from, -1);
    const endDate = current.endDate !== null && current.endDate < lastDay ? current.endDate : lastDay;
    ended = await saveOrder({ ...current, status: 'ended', endDate, endedOn: from, updatedAt: now.toISOString(), version: current.version + 1 }, current);
  }
  const cancelled: string[] = [];
  const kept: Array<{ date: string; deliveryId: string; reason: string }> = [];
  const records = await repository.listOccurrences(current.tenantId, current.id, from, '9999-12-31');
  for (const record of records.filter((candidate) => candidate.state === 'booked' && candidate.deliveryId !== null)) {
    const deliveryId = record.deliveryId as string;
    try {
      const outcome = await cancelBooked(principal, record, 'Standing order ended', now);
      if (outcome.outcome === 'cancelled') cancelled.push(deliveryId);
      else kept.push({ date: record.date, deliveryId, reason: `Kept: ${outcome.why}.` });
    } catch (error) {
      logger.warn('standing order end: a delivery could not be cancelled', { standingOrderId: current.id, deliveryId, error: error instanceof Error ? error.message : String(error) });
      kept.push({ date: record.date, deliveryId, reason: `Not cancelled (${error instanceof Error ? error.message : String(error)}): end the order again to retry.` });
    }
  }
  return { ...ended, cancelledDeliveryIds: cancelled, keptDeliveryIds: kept.map((entry) => entry.deliveryId), kept };
}

function checkRange(from: string, to: string): void {
  if (from > to) throw occurrenceErrors.error('parameter_invalid', `from (${from}) is after to (${to}).`, { param: 'from' });
  if (daysBetween(from, to) > MAX_RANGE_DAYS) throw occurrenceErrors.error('parameter_invalid', `from and to are more than ${MAX_RANGE_DAYS} days apart.`, { param: 'to' });
}

function occurrenceView(order: StandingOrder, date: string, record: StoredOccurrence | undefined, expanded: { bookable: boolean; skip?: { code: string; label: string } } | undefined, delivery: Delivery | undefined, now: Date): Occurrence {
  const base = {
    object: 'standing_order_occurrence' as const,
    standingOrderId: order.id,
    date,
    window: dropoffWindow(order, date, record),
    override: record?.override ?? null,
    failedAt: null as string | null,
    deliveryId: null as string | null,
    deliveryStatus: null as DeliveryStatus | null,
  };
  if (record?.state === 'booked') return { ...base, state: 'booked', deliveryId: record.deliveryId, deliveryStatus: delivery?.status ?? null, reason: null };
  const tenantSkip = record?.state === 'skipped' && (record.skipCode ?? 'skipped_by_tenant') === 'skipped_by_tenant';
  if (record?.state === 'skipped' && tenantSkip) return { ...base, state: 'skipped', reason: { code: 'skipped_by_tenant', label: record.skipReason ?? 'Skipped by the tenant' } };
  if (expanded && !expanded.bookable && expanded.skip) return { ...base, state: 'skipped', reason: expanded.skip };
  // Skipped by a closure, a holiday or a rule change that no longer applies to the day: booked again by the next run.
  if (record?.state === 'skipped' && !expanded) return { ...base, state: 'skipped', reason: { code: record.skipCode ?? 'not_in_rule', label: record.skipReason ?? 'No longer a day of the standing order.' } };
  if (record?.state === 'failed' && record.failure) return { ...base, state: 'failed', reason: { code: record.failure.code, label: record.failure.message }, failedAt: record.failure.at };
  if (tooLate(order, date, record, now)) return { ...base, state: 'skipped', reason: { code: 'too_late', label: 'Its window was over before it could be booked.' } };
  return { ...base, state: 'scheduled', reason: null };
}

/** An order's days from `from` to `to` (default today to today + the horizon), with their state. */
export async function listOccurrences(principal: Principal, id: string, range: { from?: string | undefined; to?: string | undefined }, now = new Date()): Promise<{ object: 'list'; data: Occurrence[]; from: string; to: string }> {
  const order = await loadStandingOrder(principal, id);
  const from = range.from ?? parisToday(now);
  const to = range.to ?? addDays(range.from ?? parisToday(now), DEFAULT_HORIZON_DAYS);
  checkRange(from, to);
  const expanded = new Map(occurrences(spec(order), await closuresFor(order.tenantId), from, to).map((day) => [day.date, day]));
  const records = new Map((await repository.listOccurrences(order.tenantId, order.id, from, to)).map((record) => [record.date, record]));
  const booked = [...records.values()].filter((record) => record.state === 'booked' && record.deliveryId !== null);
  const found = booked.length === 0 ? [] : await deliveries.getMany(booked.map((record) => ({ tenantId: order.tenantId, id: record.deliveryId as string })));
  const byId = new Map(found.flatMap((delivery) => (delivery ? [[delivery.id, delivery] as const] : [])));
  // The rule's days, and any other day that has a record (booked before an edit changed the rule).
  const dates = [...new Set([...expanded.keys(), ...records.keys()])].sort();
  return {
    object: 'list',
    from,
    to,
    data: dates.map((date) => {
      const record = records.get(date);
      return occurrenceView(order, date, record, expanded.get(date), record?.deliveryId ? byId.get(record.deliveryId) : undefined, now);
    }),
  };
}

/** The order and the record of one of its days; a day that is not one of its occurrences is a 404. */
async function loadOccurrence(principal: Principal, id: string, date: string) {
  const order = await loadStandingOrder(principal, id, true);
  // A malformed day in the path is a day the order does not have: 404, like a malformed id.
  if (!LocalDate.safeParse(date).success) throw occurrenceErrors.error('resource_missing', `${date.slice(0, 32)} is not a date (YYYY-MM-DD), so not a day of this standing order.`, { param: 'date' });
  const record = await repository.getOccurrence(order.tenantId, order.id, date);
  if (!record && ruleDates(spec(order), date, date).length === 0) {
    throw occurrenceErrors.error('resource_missing', `${date} is not a day of this standing order (rule ${order.rrule}, from ${order.startDate}${order.endDate ? ` to ${order.endDate}` : ''}).`, { param: 'date' });
  }
  return { order, record };
}

async function viewOne(principal: Principal, id: string, date: string, now: Date): Promise<Occurrence> {
  const { data } = await listOccurrences(principal, id, { from: date, to: date }, now);
  const found = data.find((occurrence) => occurrence.date === date);
  if (!found) throw occurrenceErrors.error('resource_missing', `${date} is not a day of this standing order.`, { param: 'date' });
  return found;
}

const blank = (order: StandingOrder, date: string, now: Date): StoredOccurrence => ({
  tenantId: order.tenantId,
  standingOrderId: order.id,
  date,
  state: 'scheduled',
  deliveryId: null,
  skipReason: null,
  failure: null,
  override: null,
  updatedAt: now.toISOString(),
  version: 0,
});

const changedMeanwhile = (date: string) => occurrenceErrors.error('version_conflict', `The occurrence of ${date} changed meanwhile (the daily run booked it?): read it again and redo the change.`);

/**
 * Skips one day. A day booked already has its delivery cancelled, free, in the same
 * transaction, while it is still `booked`; once assigned to a courier it can no longer be
 * skipped here (409: cancel the delivery, the rate card's fee applies).
 */
export async function skipOccurrence(principal: Principal, id: string, date: string, reason: string | undefined, now = new Date()): Promise<Occurrence> {
  const { order, record } = await loadOccurrence(principal, id, date);
  if (record?.state === 'skipped' && (record.skipCode ?? 'skipped_by_tenant') === 'skipped_by_tenant') return viewOne(principal, id, date, now);
  const why = reason ?? 'Skipped by the tenant';
  if (record?.state === 'booked' && record.deliveryId) {
    const outcome = await cancelBooked(principal, { ...record }, why, now);
    if (outcome.outcome === 'kept') {
      throw occurrenceErrors.error('invalid_transition', `The delivery of ${date} (${record.deliveryId}) cannot be skipped here: ${outcome.why}. ${outcome.deliveryStatus === 'booked' ? 'Ask the hub.' : `Cancel the delivery itself (POST /v1/deliveries/${record.deliveryId}/cancel; the rate card may charge a fee).`}`);
    }
    return viewOne(principal, id, date, now);
  }
  const base = record ?? blank(order, date, now);
  await repository.saveOccurrence({ ...base, state: 'skipped', skipReason: why, skipCode: 'skipped_by_tenant', deliveryId: null, failure: null, updatedAt: now.toISOString(), version: base.version + 1 }, record, () => changedMeanwhile(date));
  return viewOne(principal, id, date, now);
}

/**
 * A day the tenant just restored or changed is booked at once (not only within the daily run's
 * horizon) when the order is active, the day is not a holiday or a closure, its window is not
 * over, and it is at most MAX_HORIZON_DAYS ahead; else the daily run books it when its time comes.
 */
async function bookDayNow(order: StandingOrder, record: StoredOccurrence, now: Date): Promise<void> {
  if (order.status !== 'active' || record.date > addDays(parisToday(now), MAX_HORIZON_DAYS) || tooLate(order, record.date, record, now)) return;
  const [day] = occurrences(spec(order), await closuresFor(order.tenantId), record.date, record.date);
  if (day?.bookable) await bookOccurrence(order, record.date, record, now);
}

/** Undoes a skip: the day is scheduled again, and booked at once when within the horizon. */
export async function restoreOccurrence(principal: Principal, id: string, date: string, now = new Date()): Promise<Occurrence> {
  const { order, record } = await loadOccurrence(principal, id, date);
  if (record?.state !== 'skipped' || (record.skipCode ?? 'skipped_by_tenant') !== 'skipped_by_tenant') {
    const holiday = order.skipPublicHolidays ? publicHolidayOn(date) : undefined;
    const closure = closureOn([...order.closures, ...(await closuresFor(order.tenantId))], date);
    if (holiday || closure) {
      throw occurrenceErrors.error('invalid_transition', `${date} is skipped because of ${holiday ? `a public holiday (${holiday}): set skipPublicHolidays to false to deliver on public holidays` : `a closure (${closure?.reason}): change the closures`}; restore only undoes a skip by the tenant.`);
    }
    return viewOne(principal, id, date, now);
  }
  const restored: StoredOccurrence = { ...record, state: 'scheduled', skipReason: null, skipCode: null, updatedAt: now.toISOString(), version: record.version + 1 };
  await repository.saveOccurrence(restored, record, () => changedMeanwhile(date));
  await bookDayNow(order, restored, now);
  return viewOne(principal, id, date, now);
}

/**
 * Changes one day (its window, parcels, drop-off instructions, reference). A day not booked
 * yet keeps the change for its booking; a day booked whose delivery is still `booked` is
 * re-booked with the change: the old delivery cancelled (free) and the new one booked in one
 * transaction, with the occurrence record. Once assigned: 409.
 */
export async function changeOccurrence(principal: Principal, id: string, date: string, change: OccurrenceOverride, now = new Date()): Promise<Occurrence> {
  const { order, record } = await loadOccurrence(principal, id, date);
  const override: OccurrenceOverride = { ...(record?.override ?? {}), ...change };
  if (override.window && override.window.end <= override.window.start) throw occurrenceErrors.error('parameter_invalid', 'window.end must be after window.start.', { param: 'window.end' });
  if (record?.state === 'booked' && record.deliveryId) {
    await rebook(order, record, override, now);
    return viewOne(principal, id, date, now);
  }
  const base = record ?? blank(order, date, now);
  const next: StoredOccurrence = { ...base, override, updatedAt: now.toISOString(), version: base.version + 1 };
  await repository.saveOccurrence(next, record, () => changedMeanwhile(date));
  // A failed day is tried again with its change at once; a scheduled one too.
  if (next.state !== 'skipped') await bookDayNow(order, next, now);
  return viewOne(principal, id, date, now);
}

/** Cancel the booked delivery and book the changed day, in one transaction (the occurrence record with them). */
async function rebook(order: StandingOrder, record: StoredOccurrence, override: OccurrenceOverride, now: Date): Promise<void> {
  const deliveryId = record.deliveryId as string;
  const old = await deliveries.get({ tenantId: order.tenantId, id: deliveryId }, { consistent: true });
  if (!old) throw occurrenceErrors.error('resource_missing', `The delivery of ${record.date} (${deliveryId}) is gone.`);
  if (old.status !== 'booked') {
    throw occurrenceErrors.error('invalid_transition', `The delivery of ${record.date} (${deliveryId}) is already ${old.status}: it can no longer be changed here. Ask the hub, or cancel it (POST /v1/deliveries/${deliveryId}/cancel).`);
  }
  await rebookOccurrence(order, record, old, override, now, () => changedMeanwhile(record.date));
}

import { TZDate } from '@date-fns/tz';
import { newApiKey } from '../auth/api-keys.js';
import type { Principal } from '../auth/principal.js';
import { transact } from '../db/transact.js';
import { outboxEntry } from '../events/outbox.js';
import { activeGeocoder } from '../geo/adapters.js';
import { resolveCoordinates } from '../geo/geocoder.js';
import { getDepot } from '../hub/depot.js';
import { newId } from '../ids.js';
import type { Address } from '../schemas/common.js';
import { tenantEvents } from '../tenants/events.js';
import { userRepository } from '../users/repository.js';
import { normalizeEmail, type User } from '../users/schemas.js';
import { courierErrors, shiftErrors } from './errors.js';
import { courierRepository } from './repository.js';
import { vehicleOf, type Courier, type CourierState, type CreateCourierBody, type Place, type Shift, type ShiftBody, type StoredCourier, type UpdateCourierBody } from './schemas.js';

class Taken extends Error {}

/**
 * A courier, its key and (with an e-mail address) the person who signs in as it, written in one
 * transaction: never a courier without a key, never a person without their courier.
 */
export async function createCourier(principal: Principal | undefined, input: CreateCourierBody, now = new Date()): Promise<Courier & { apiKey: string }> {
  const id = newId('courier', now.getTime());
  const user: User | undefined = input.email
    ? {
        id: newId('user', now.getTime()),
        object: 'user',
        email: normalizeEmail(input.email),
        name: input.name,
        role: 'courier',
        tenantId: null,
        tenantAdmin: false,
        courierId: id,
        createdAt: now.toISOString(),
        invitedBy: principal ? ('userId' in principal && principal.userId ? principal.userId : principal.keyId) : null,
      }
    : undefined;
  const courier: Courier = { id, object: 'courier', name: input.name, email: user?.email ?? null, userId: user?.id ?? null, vehicle: vehicleOf(input.vehicle), createdAt: now.toISOString() };
  const { issued, create: createKey } = newApiKey({ role: 'courier', courierId: courier.id }, now);
  const created = { ...courier, apiKey: issued.key };
  try {
    await transact(
      [courierRepository.create(courier), createKey, outboxEntry(tenantEvents.courierCreated, null, { courierId: courier.id }, now).create, ...(user ? userRepository.create(user) : [])],
      ({ index }) => (index >= 3 ? new Taken() : new Error(`courier ${courier.id} exists already`)),
      { result: created },
    );
  } catch (error) {
    if (error instanceof Taken) throw courierErrors.error('invalid_transition', `${user?.email} has an account already: one person, one address.`, { param: 'email' });
    throw error;
  }
  return created;
}

export async function getCourier(courierId: string): Promise<StoredCourier> {
  const courier = await courierRepository.get(courierId);
  if (!courier) throw courierErrors.notFound('courier', courierId);
  return courier;
}

/** What the public shape shows of a stored courier (its position is the board's business). */
export function courierView(courier: StoredCourier): Courier {
  const { lastPosition: _position, ...rest } = courier;
  return rest;
}

export async function updateCourier(courierId: string, body: UpdateCourierBody): Promise<Courier> {
  const courier = await getCourier(courierId);
  const next: StoredCourier = { ...courier, ...(body.name !== undefined ? { name: body.name } : {}), ...(body.vehicle !== undefined ? { vehicle: vehicleOf(body.vehicle) } : {}) };
  await courierRepository.save(next);
  return courierView(next);
}

/** The UTC instant of a Paris clock time on a Paris day (the day after with `nextDay`). */
export function parisInstant(date: string, clock: string, nextDay = false): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hours, minutes] = clock.split(':').map(Number) as [number, number];
  return new Date(new TZDate(year, month - 1, day + (nextDay ? 1 : 0), hours, minutes, 0, 'Europe/Paris').getTime());
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

async function placeOf(address: Address | undefined, param: string): Promise<Place> {
  if (!address) {
    const depot = await getDepot();
    const { country: _country, ...rest } = depot.address;
    return { label: depot.name, ...rest };
  }
  const coordinates = await resolveCoordinates(address, activeGeocoder(), param);
  return { label: address.line1, line1: address.line1, ...(address.line2 ? { line2: address.line2 } : {}), postcode: address.postcode, city: address.city, ...coordinates };
}

/**
 * A courier's shift on a Paris day, replacing the one of that day if any. Its end at or before
 * its start means the next morning; breaks lie within it, one after the other; it may not
 * overlap the shift of the day before (running past midnight) or of the day after.
 */
export async function putShift(courierId: string, date: string, body: ShiftBody, now = new Date()): Promise<Shift> {
  await getCourier(courierId);
  const overnight = body.end <= body.start;
  const startsAt = parisInstant(date, body.start);
  const endsAt = parisInstant(date, body.end, overnight);
  if (endsAt.getTime() - startsAt.getTime() > 24 * 3600_000) throw shiftErrors.error('parameter_invalid', 'A shift lasts at most 24 hours.', { param: 'end' });
  const breaks = body.breaks
    .map((entry, index) => {
      const afterMidnight = overnight && entry.start < body.start;
      const from = parisInstant(date, entry.start, afterMidnight);
      const to = parisInstant(date, entry.end, afterMidnight || (overnight && entry.end < body.start));
      if (to <= from) throw shiftErrors.error('parameter_invalid', `Break ${index + 1} ends (${entry.end}) before it starts (${entry.start}).`, { param: `breaks.${index}.end` });
      if (from < startsAt || to > endsAt) throw shiftErrors.error('parameter_invalid', `Break ${index + 1} (${entry.start}–${entry.end}) is not within the shift (${body.start}–${body.end}).`, { param: `breaks.${index}` });
      return { start: entry.start, end: entry.end, startsAt: from.toISOString(), endsAt: to.toISOString() };
    })
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  for (let index = 1; index < breaks.length; index += 1) {
    if ((breaks[index] as { startsAt: string }).startsAt < (breaks[index - 1] as { endsAt: string }).endsAt) {
      throw shiftErrors.error('parameter_invalid', `Breaks ${breaks[index - 1]?.start}–${breaks[index - 1]?.end} and ${breaks[index]?.start}–${breaks[index]?.end} overlap.`, { param: 'breaks' });
    }
  }
  const [before, after] = await courierRepository.getShifts([
    { courierId, date: addDays(date, -1) },
    { courierId, date: addDays(date, 1) },
  ]);
  if (before && before.endsAt > startsAt.toISOString()) {
    throw shiftErrors.error('shift_overlap', `This shift starts at ${body.start} while the shift of ${before.date} (${before.start}–${before.end}) is still on.`, { param: 'start' });
  }
  if (after && after.startsAt < endsAt.toISOString()) {
    throw shiftErrors.error('shift_overlap', `This shift ends at ${body.end} after the shift of ${after.date} (${after.start}–${after.end}) has started.`, { param: 'end' });
  }
  const [startPlace, endPlace] = await Promise.all([placeOf(body.startPlace, 'startPlace'), placeOf(body.endPlace, 'endPlace')]);
  const shift: Shift = {
    object: 'shift',
    courierId,
    date,
    start: body.start,
    end: body.end,
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
    breaks,
    startPlace,
    endPlace,
    updatedAt: now.toISOString(),
  };
  await courierRepository.putShift(shift);
  return shift;
}

export async function listShifts(courierId: string, from: string | undefined, to: string | undefined, today: string): Promise<Shift[]> {
  await getCourier(courierId);
  const first = from ?? today;
  const last = to ?? addDays(first, 30);
  if (last < first) throw shiftErrors.error('parameter_invalid', `from (${first}) is after to (${last}).`, { param: 'from' });
  return courierRepository.listShifts(courierId, first, last);
}

export async function deleteShift(courierId: string, date: string): Promise<void> {
  await getCourier(courierId);
  if (!(await courierRepository.deleteShift(courierId, date))) throw courierErrors.notFound('shift', `${courierId}/${date}`);
}

/** Where a courier is in its day at `now`. */
export function stateAt(shift: Shift | undefined | null, now: Date): CourierState {
  if (!shift) return 'off';
  const at = now.toISOString();
  if (at < shift.startsAt) return 'before_shift';
  if (at >= shift.endsAt) return 'after_shift';
  return shift.breaks.some((entry) => entry.startsAt <= at && at < entry.endsAt) ? 'on_break' : 'on_shift';
}

/** The shift in progress at `now` (today's, or yesterday's running past midnight). */
export async function shiftInProgress(courierId: string, today: string, now: Date): Promise<Shift | undefined> {
  const [yesterday, current] = await courierRepository.getShifts([
    { courierId, date: addDays(today, -1) },
    { courierId, date: today },
  ]);
  return [current, yesterday].find((shift) => shift !== undefined && shift.startsAt <= now.toISOString() && now.toISOString() < shift.endsAt);
}

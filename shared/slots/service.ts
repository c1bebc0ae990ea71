import { transact, type TransactItem } from '../db/transact.js';
import { LocalDate, type PutSlotsBody, type Slot } from './schemas.js';
import { SLOT_HORIZON_YEARS, slotDateRange, slotInstants } from './local-time.js';
import { newSlotId, slotRepository, slotView, type StoredSlot } from './repository.js';
import { slotErrors } from './errors.js';


function checkDate(date: string, now: Date): void {
  if (!LocalDate.safeParse(date).success) throw slotErrors.error('parameter_invalid', 'date must be a real date, YYYY-MM-DD.', { param: 'date' });
  const { first, last } = slotDateRange(now);
  if (date < first || date > last) {
    const why = date < first ? 'is in the past' : `is more than ${SLOT_HORIZON_YEARS} years ahead`;
    throw slotErrors.error('parameter_invalid', `date ${date} ${why}: slots can be set from ${first} (today in Paris) to ${last}.`, { param: 'date' });
  }
}

/**
 * Sets a day's pickup slots. A slot is known by its start and end: one kept keeps its id and
 * its bookings, and its capacity may not drop below them; one left out is removed only if
 * nobody booked it. All in one transaction, each step conditional on the bookings it saw.
 */
export async function putDaySlots(date: string, body: PutSlotsBody, now = new Date()): Promise<Slot[]> {
  checkDate(date, now);
  // Every slot's times are checked before anything is read: a kept slot too, so a day never
  // keeps a window that cannot happen.
  const wantedSlots = body.slots.map((slot, index) => ({ ...slot, ...slotInstants(date, slot, index) }));
  const existing = await slotRepository.listDay(date);
  const byWindow = new Map(existing.map((slot) => [`${slot.start}-${slot.end}`, slot]));
  const items: TransactItem[] = [];
  const result: StoredSlot[] = [];

  for (const [index, wanted] of wantedSlots.entries()) {
    const kept = byWindow.get(`${wanted.start}-${wanted.end}`);
    if (kept) {
      byWindow.delete(`${wanted.start}-${wanted.end}`);
      if (wanted.capacity < kept.taken) {
        throw slotErrors.error('slot_has_bookings', `slots[${index}].capacity cannot go below the ${kept.taken} booking(s) already taken.`, { param: `slots[${index}].capacity` });
      }
      items.push(slotRepository.setCapacity(kept, wanted.capacity));
      result.push({ ...kept, capacity: wanted.capacity });
    } else {
      const slot: StoredSlot = {
        id: newSlotId(wanted.startsAt),
        date,
        start: wanted.start,
        end: wanted.end,
        startsAt: wanted.startsAt.toISOString(),
        endsAt: wanted.endsAt.toISOString(),
        capacity: wanted.capacity,
        taken: 0,
      };
      items.push(slotRepository.create(slot));
      result.push(slot);
    }
  }
  for (const removed of byWindow.values()) {
    if (removed.taken > 0) {
      throw slotErrors.error('slot_has_bookings', `The ${removed.start}–${removed.end} slot has ${removed.taken} booking(s): it cannot be removed (set its capacity instead).`, { param: 'slots' });
    }
    items.push(slotRepository.removeUnbooked(removed));
  }
  if (items.length > 0) {
    await transact(items, () => slotErrors.error('slot_has_bookings', 'Bookings arrived while the slots were being changed: read them again and retry.', { param: 'slots' }));
  }
  return result.sort((a, b) => a.start.localeCompare(b.start) || a.end.localeCompare(b.end)).map(slotView);
}

/**
 * A day's slots, as stored. Any real date may be asked: a past day shows what was offered, and
 * a day beyond the two-year horizon answers an empty list (no slot can be set there), so a
 * calendar paging forward needs no special case; only a date that is not a date is a 400.
 */
export async function listDaySlots(date: string): Promise<Slot[]> {
  if (!LocalDate.safeParse(date).success) throw slotErrors.error('parameter_invalid', 'date must be a real date, YYYY-MM-DD.', { param: 'date' });
  return (await slotRepository.listDay(date)).map(slotView);
}

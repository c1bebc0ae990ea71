/**
 * The dispatch board's logic, without the DOM: reordering a round, moving a delivery from one
 * round to another (its pickup always before its dropoff), the order `PUT .../rounds/{date}`
 * takes, the day's deliveries grouped by slot, and what the map draws. Unit-tested in Node.
 */
import type { BoardCourier, BoardStatus, Load, Place, RoundOrder, RoundStop, StopStatus, StopType } from './dispatch-types.js';

export interface StopRef {
  deliveryId: string;
  type: StopType;
  /** Absent: treated as pending (open). */
  status?: StopStatus;
}

export const stopKey = (stop: { deliveryId: string; type: StopType }): string => `${stop.deliveryId}:${stop.type}`;

/** A stop still to do (pending, or the courier is there): it can be moved and is sent in the order. */
export const isOpenStop = (stop: StopRef): boolean => stop.status === undefined || stop.status === 'pending' || stop.status === 'arrived';

export type OrderProblem = { code: 'duplicate' | 'dropoff_before_pickup'; deliveryId: string };

/** What is wrong with an order, if anything: a stop twice, or a dropoff before its own pickup. */
export function orderProblem(stops: readonly StopRef[]): OrderProblem | null {
  const seen = new Set<string>();
  const dropped = new Set<string>();
  for (const stop of stops) {
    const key = stopKey(stop);
    if (seen.has(key)) return { code: 'duplicate', deliveryId: stop.deliveryId };
    seen.add(key);
    if (stop.type === 'dropoff') dropped.add(stop.deliveryId);
    else if (dropped.has(stop.deliveryId)) return { code: 'dropoff_before_pickup', deliveryId: stop.deliveryId };
  }
  return null;
}

export const isValidOrder = (stops: readonly StopRef[]): boolean => orderProblem(stops) === null;

/**
 * The stop at `from` taken out and put back at `to` (an index of the list as it was): null when
 * it cannot go there (out of range, a done stop moved or jumped over, or a dropoff that would come
 * before its pickup). Done stops stay where they are: they have happened.
 */
export function moveStopTo<T extends StopRef>(stops: readonly T[], from: number, to: number): T[] | null {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || from >= stops.length || to < 0 || to >= stops.length) return null;
  if (from === to) return null;
  const low = Math.min(from, to);
  const high = Math.max(from, to);
  for (let index = low; index <= high; index += 1) if (!isOpenStop(stops[index] as T)) return null;
  const next = stops.slice();
  const [moved] = next.splice(from, 1);
  next.splice(to, 0, moved as T);
  return isValidOrder(next) ? next : null;
}

/** One place up (-1) or down (+1); null when the stop cannot move that way. */
export function moveStop<T extends StopRef>(stops: readonly T[], index: number, delta: -1 | 1): T[] | null {
  return moveStopTo(stops, index, index + delta);
}

/** Whether the stop at `index` can move up and down. */
export function canMove(stops: readonly StopRef[], index: number): { up: boolean; down: boolean } {
  return { up: moveStop(stops, index, -1) !== null, down: moveStop(stops, index, 1) !== null };
}

/** The first index where a stop may be inserted: after every stop already done. */
export function firstOpenIndex(stops: readonly StopRef[]): number {
  let index = stops.length;
  while (index > 0 && isOpenStop(stops[index - 1] as StopRef)) index -= 1;
  return index;
}

/**
 * A delivery's open stops taken out of one round and put into another at `position` (default:
 * the end; never before the stops already done), pickup then dropoff, next to each other. The
 * coordinator reorders them afterwards. Null when the delivery has no open stop in `from`.
 */
export function moveDeliveryBetween<T extends StopRef>(from: readonly T[], to: readonly T[], deliveryId: string, position?: number): { from: T[]; to: T[] } | null {
  const moving = from.filter((stop) => stop.deliveryId === deliveryId && isOpenStop(stop));
  if (moving.length === 0) return null;
  const rest = from.filter((stop) => !(stop.deliveryId === deliveryId && isOpenStop(stop)));
  const target = to.filter((stop) => !(stop.deliveryId === deliveryId && isOpenStop(stop)));
  const ordered = [...moving.filter((stop) => stop.type === 'pickup'), ...moving.filter((stop) => stop.type === 'dropoff')];
  const at = clamp(position ?? target.length, firstOpenIndex(target), target.length);
  return { from: rest, to: [...target.slice(0, at), ...ordered, ...target.slice(at)] };
}

/** A position kept within [low, high] (the end when it is not a number). */
function clamp(value: number, low: number, high: number): number {
  if (!Number.isFinite(value)) return high;
  return Math.min(Math.max(Math.trunc(value), low), high);
}

/** The body of `PUT /v1/hub/couriers/{id}/rounds/{date}`: every open stop, in order. */
export function roundOrder(stops: readonly StopRef[], version?: number): RoundOrder {
  const order: RoundOrder = { stops: stops.filter(isOpenStop).map((stop) => ({ deliveryId: stop.deliveryId, type: stop.type })) };
  if (version !== undefined) order.version = version;
  return order;
}

/* ---------- The day's deliveries ---------- */

interface Slotted {
  id: string;
  status: string;
  createdAt: string;
  slot: { id: string; date: string; start: string; end: string } | null;
}

export interface SlotGroup<T> {
  /** The slot's id, or '' for the deliveries without a slot. */
  key: string;
  slot: { start: string; end: string } | null;
  deliveries: T[];
}

/** Slots in the day's order (start, then end), the deliveries without a slot last; booking order inside. */
export function groupBySlot<T extends Slotted>(deliveries: readonly T[]): SlotGroup<T>[] {
  const groups = new Map<string, SlotGroup<T>>();
  for (const delivery of deliveries) {
    const key = delivery.slot?.id ?? '';
    let group = groups.get(key);
    if (!group) {
      group = { key, slot: delivery.slot ? { start: delivery.slot.start, end: delivery.slot.end } : null, deliveries: [] };
      groups.set(key, group);
    }
    group.deliveries.push(delivery);
  }
  const sorted = [...groups.values()].sort((a, b) => {
    if (!a.slot || !b.slot) return a.slot ? -1 : b.slot ? 1 : 0;
    return a.slot.start.localeCompare(b.slot.start) || a.slot.end.localeCompare(b.slot.end) || a.key.localeCompare(b.key);
  });
  for (const group of sorted) group.deliveries.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  return sorted;
}

export function filterByStatus<T extends { status: string }>(deliveries: readonly T[], status: BoardStatus | ''): T[] {
  return status === '' ? deliveries.slice() : deliveries.filter((delivery) => delivery.status === status);
}

export function countByStatus(deliveries: readonly { status: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const delivery of deliveries) counts[delivery.status] = (counts[delivery.status] ?? 0) + 1;
  return counts;
}

/** How a delivery is named to people: its reference, else the end of its id. */
export function deliveryName(delivery: { id?: string; deliveryId?: string; reference: string | null }): string {
  const id = delivery.id ?? delivery.deliveryId ?? '';
  return delivery.reference?.trim() || `n° ${id.slice(-6)}`;
}

/** French "de" before a name, elided before a vowel or a mute h: "d’Alex", "de Sam". */
export function frenchOf(name: string): string {
  return /^[aeiouyhàâäéèêëîïôöûüœæ]/i.test(name.trim()) ? `d’${name.trim()}` : `de ${name.trim()}`;
}

/** A courier's round in words: "la tournée d’Alex" / "Alex’s round". */
export function roundName(name: string, lang: 'fr' | 'en'): string {
  return lang === 'fr' ? `la tournée ${frenchOf(name)}` : `${name.trim()}’s round`;
}

/* ---------- Load and times ---------- */

export interface LoadShare {
  kg: number;
  litres: number;
  over: boolean;
}

/** The heaviest moment of the round against the bike, as shares (1 = full). */
export function loadShare(maxLoad: Load, capacity: Load): LoadShare {
  const kg = capacity.kg > 0 ? maxLoad.kg / capacity.kg : maxLoad.kg > 0 ? Infinity : 0;
  const litres = capacity.litres > 0 ? maxLoad.litres / capacity.litres : maxLoad.litres > 0 ? Infinity : 0;
  return { kg, litres, over: kg > 1 || litres > 1 };
}

/** Whether the round's planned times leave the shift (early start or late end). */
export function outsideShift(round: { startsAt: string | null; endsAt: string | null; stops: readonly unknown[] }, shift: { startsAt: string; endsAt: string } | null): boolean {
  if (!shift || round.stops.length === 0 || !round.startsAt || !round.endsAt) return false;
  return Date.parse(round.startsAt) < Date.parse(shift.startsAt) || Date.parse(round.endsAt) > Date.parse(shift.endsAt);
}

/* ---------- The map ---------- */

export interface LatLng {
  lat: number;
  lng: number;
}

export interface MapStop extends LatLng {
  key: string;
  number: number;
  type: StopType;
  done: boolean;
  late: boolean;
  label: string;
}

export interface MapRound {
  courierId: string;
  name: string;
  /** The courier's place on the board (colours and dashes of the path). */
  index: number;
  position: (LatLng & { at: string }) | null;
  path: LatLng[];
  stops: MapStop[];
}

export interface MapModel {
  depot: (LatLng & { label: string }) | null;
  rounds: MapRound[];
  /** Every point drawn, to fit the view to. */
  points: LatLng[];
}

const located = (point: Partial<LatLng> | null | undefined): point is LatLng =>
  !!point && typeof point.lat === 'number' && typeof point.lng === 'number' && Number.isFinite(point.lat) && Number.isFinite(point.lng);

const placeLabel = (place: Place) => place.label || `${place.line1}, ${place.city}`;

/**
 * What the map draws: the depot, each courier's last position, and each round's stops (numbered
 * by order) and path (start place, stops, end place; the depot when the shift names none).
 */
export function mapModel(board: { depot: Place | null; couriers: readonly BoardCourier[] }, describe: (stop: RoundStop, number: number) => string): MapModel {
  const depot = located(board.depot) ? { lat: board.depot.lat, lng: board.depot.lng, label: placeLabel(board.depot) } : null;
  const points: LatLng[] = depot ? [depot] : [];
  const rounds = board.couriers.map((courier, index): MapRound => {
    const stops = courier.round.stops.flatMap((stop, at): MapStop[] =>
      located(stop.address)
        ? [{ key: stopKey(stop), number: at + 1, type: stop.type, done: !isOpenStop(stop), late: stop.late, label: describe(stop, at + 1), lat: stop.address.lat, lng: stop.address.lng }]
        : [],
    );
    const start = courier.round.shift?.startPlace ?? courier.shift?.startPlace ?? board.depot;
    const end = courier.round.shift?.endPlace ?? courier.shift?.endPlace ?? board.depot;
    const path: LatLng[] = [];
    if (stops.length > 0) {
      if (located(start)) path.push({ lat: start.lat, lng: start.lng });
      for (const stop of stops) path.push({ lat: stop.lat, lng: stop.lng });
      if (located(end)) path.push({ lat: end.lat, lng: end.lng });
    }
    const position = located(courier.lastPosition) ? { lat: courier.lastPosition.lat, lng: courier.lastPosition.lng, at: courier.lastPosition.at } : null;
    points.push(...stops.map(({ lat, lng }) => ({ lat, lng })), ...path);
    if (position) points.push({ lat: position.lat, lng: position.lng });
    return { courierId: courier.id, name: courier.name, index, position, path, stops };
  });
  return { depot, rounds, points };
}

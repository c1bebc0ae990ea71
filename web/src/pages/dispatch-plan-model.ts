/**
 * The plan of the day beside the current rounds (issue 17), without the DOM: a plan of
 * `GET /v1/hub/plans/{id}` set against the board's rounds, courier by courier (what stays, what
 * changes place, what comes from another round or from the queue, what is left out), the
 * summary, the deliveries left out with their weight, durations in hours and minutes, and which
 * proposal the system made by itself is worth a notice. Unit-tested in Node.
 */
import { deliveryName, isOpenStop, stopKey } from './dispatch-model.js';
import { UNASSIGNED_REASONS, type BoardCourier, type BoardDelivery, type Load, type Plan, type PlannedRound, type PlanSummary, type StopType, type UnassignedReason } from './dispatch-types.js';

/** The search times offered (seconds); the API takes 1–60 and 10 by default. */
export const PLAN_TIME_LIMITS = [5, 10, 30] as const;
export type PlanTimeLimit = (typeof PLAN_TIME_LIMITS)[number];
export const DEFAULT_PLAN_TIME_LIMIT: PlanTimeLimit = 10;
/** How often a pending plan is read again. */
export const PLAN_POLL_MS = 1000;

/** How long to wait for a pending plan before saying it takes too long: its search time and a minute more. */
export function planDeadlineMs(timeLimitSeconds: number): number {
  return Math.max(1, timeLimitSeconds) * 1000 + 60_000;
}

/* ---------- Comparing with the current rounds ---------- */

/** What happens to a stop of the plan, against the rounds as they are. */
export type PlannedChange =
  /** Already on this courier's round, in the same order as the stops kept around it. */
  | { kind: 'same' }
  /** Already on this courier's round, elsewhere in the order. */
  | { kind: 'reordered' }
  /** Now on another courier's round. */
  | { kind: 'from'; courierId: string; courierName: string }
  /** On no round yet (from the queue). */
  | { kind: 'new' };

/** What happens to a stop of the current round in the plan. */
export type CurrentChange =
  | { kind: 'kept' }
  | { kind: 'reordered' }
  | { kind: 'to'; courierId: string; courierName: string }
  /** The plan leaves its delivery out (with a reason). */
  | { kind: 'left_out' }
  /** The plan does not place it at all (a courier left out of the plan, a delivery changed since). */
  | { kind: 'absent' }
  /** Done (or failed) already: it stays first, where it is. */
  | { kind: 'done' };

export interface CurrentStopView {
  key: string;
  /** Its number on the board. */
  n: number;
  deliveryId: string;
  type: StopType;
  name: string;
  change: CurrentChange;
}

export interface PlannedStopView {
  key: string;
  /** Its number once applied: after the stops already done, which stay first. */
  n: number;
  deliveryId: string;
  type: StopType;
  name: string;
  /** The contact at the stop, else its street (from the board's deliveries), when known. */
  who: string | null;
  city: string | null;
  arrival: string;
  departure: string;
  loadAfter: Load;
  change: PlannedChange;
}

export interface PlanRow {
  courierId: string;
  name: string;
  current: CurrentStopView[];
  /** The stops done already, which stay first once the plan is applied. */
  done: number;
  /** The courier's planned round; null when the plan gives them none. */
  round: PlannedRound | null;
  planned: PlannedStopView[];
  /** Stops of this row that change (current ones that move or leave, planned ones that arrive or move). */
  changes: number;
}

export interface LeftOutView {
  deliveryId: string;
  name: string;
  reason: string;
  /** The API's sentence, for a reason the app does not know. */
  message: string;
  weightKg: number | null;
}

export interface PlanComparison {
  rows: PlanRow[];
  leftOut: LeftOutView[];
  summary: PlanSummary;
  /** Current open stops the plan moves (reordered, to another round, or out of the rounds). */
  moved: number;
}

const planKey = (stop: { deliveryId: string; type: StopType }) => stopKey(stop);

/**
 * The keys of `before` that keep their relative order in `after`: a longest common subsequence,
 * as the API counts the stops a plan moves (rounds are a few dozen stops: O(n·m) is fine).
 */
export function keptInOrder(before: readonly string[], after: readonly string[]): Set<string> {
  const common = new Set(after);
  const was = before.filter((key) => common.has(key));
  const inBefore = new Set(was);
  const now = after.filter((key) => inBefore.has(key));
  const table: number[][] = Array.from({ length: was.length + 1 }, () => new Array<number>(now.length + 1).fill(0));
  for (let i = 1; i <= was.length; i += 1) {
    for (let j = 1; j <= now.length; j += 1) {
      const row = table[i] as number[];
      row[j] = was[i - 1] === now[j - 1] ? (table[i - 1] as number[])[j - 1]! + 1 : Math.max((table[i - 1] as number[])[j]!, row[j - 1]!);
    }
  }
  const kept = new Set<string>();
  let i = was.length;
  let j = now.length;
  while (i > 0 && j > 0) {
    if (was[i - 1] === now[j - 1]) {
      kept.add(was[i - 1] as string);
      i -= 1;
      j -= 1;
    } else if ((table[i - 1] as number[])[j]! >= (table[i] as number[])[j - 1]!) i -= 1;
    else j -= 1;
  }
  return kept;
}

function stopPlace(delivery: BoardDelivery | undefined, type: StopType): { who: string | null; city: string | null } {
  const stop = delivery ? (type === 'pickup' ? delivery.pickup : delivery.dropoff) : undefined;
  if (!stop) return { who: null, city: null };
  return { who: stop.contact?.name?.trim() || stop.address.line1 || null, city: stop.address.city || null };
}

const weightOf = (delivery: BoardDelivery | undefined) => (delivery ? Math.round(delivery.parcels.reduce((sum, parcel) => sum + parcel.weightKg, 0) * 1000) / 1000 : null);

/** The summary the API gives, else one worked out from the rounds (an older plan without it). */
function summaryOf(plan: Pick<Plan, 'rounds' | 'unassigned' | 'summary'>, moved: number): PlanSummary {
  if (plan.summary) return plan.summary;
  const served = new Set(plan.rounds.flatMap((round) => round.stops.map((stop) => stop.deliveryId))).size;
  return {
    deliveries: served + plan.unassigned.length,
    served,
    couriers: plan.rounds.filter((round) => round.stops.length > 0).length,
    distanceMeters: plan.rounds.reduce((sum, round) => sum + round.distanceMeters, 0),
    travelSeconds: plan.rounds.reduce((sum, round) => sum + round.travelSeconds, 0),
    moved,
  };
}

/**
 * The plan set against the board, one row per courier: the board's couriers in the board's
 * order (those with neither a current stop nor a planned round left out), then any courier the
 * plan names that the board does not. Current stops are numbered as on the board; planned ones
 * as they will be once applied (after the stops done, which stay first).
 */
export function comparePlan(plan: Pick<Plan, 'rounds' | 'unassigned' | 'summary'>, board: { couriers: readonly BoardCourier[]; deliveries: readonly BoardDelivery[]; unassigned?: readonly BoardDelivery[] }): PlanComparison {
  const deliveries = new Map<string, BoardDelivery>();
  for (const delivery of [...board.deliveries, ...(board.unassigned ?? [])]) if (!deliveries.has(delivery.id)) deliveries.set(delivery.id, delivery);
  const roundOf = new Map(plan.rounds.map((round) => [round.courierId, round]));
  /** Where each stop is planned, and where it is now (open stops only). */
  const plannedWith = new Map<string, PlannedRound>();
  for (const round of plan.rounds) for (const stop of round.stops) plannedWith.set(planKey(stop), round);
  const nowWith = new Map<string, BoardCourier>();
  for (const courier of board.couriers) for (const stop of courier.round.stops) if (isOpenStop(stop)) nowWith.set(stopKey(stop), courier);
  const leftOutIds = new Set(plan.unassigned.map((entry) => entry.deliveryId));
  const nameOf = (courierId: string, fallback: string) => board.couriers.find((courier) => courier.id === courierId)?.name ?? roundOf.get(courierId)?.courierName ?? fallback;

  const rows: PlanRow[] = [];
  let moved = 0;
  const row = (courierId: string, name: string, courier: BoardCourier | undefined): PlanRow => {
    const stops = courier?.round.stops ?? [];
    const round = roundOf.get(courierId) ?? null;
    const openKeys = stops.filter(isOpenStop).map(stopKey);
    const plannedKeys = (round?.stops ?? []).map(planKey);
    const kept = keptInOrder(openKeys, plannedKeys);
    const mine = new Set(plannedKeys);
    const current = stops.map((stop, index): CurrentStopView => {
      const key = stopKey(stop);
      let change: CurrentChange;
      if (!isOpenStop(stop)) change = { kind: 'done' };
      else if (mine.has(key)) change = kept.has(key) ? { kind: 'kept' } : { kind: 'reordered' };
      else {
        const other = plannedWith.get(key);
        change = other ? { kind: 'to', courierId: other.courierId, courierName: nameOf(other.courierId, other.courierName) } : leftOutIds.has(stop.deliveryId) ? { kind: 'left_out' } : { kind: 'absent' };
      }
      return { key, n: index + 1, deliveryId: stop.deliveryId, type: stop.type, name: deliveryName(stop), change };
    });
    const done = stops.length - openKeys.length;
    const openNow = new Set(openKeys);
    const planned = (round?.stops ?? []).map((stop, index): PlannedStopView => {
      const key = planKey(stop);
      let change: PlannedChange;
      if (openNow.has(key)) change = kept.has(key) ? { kind: 'same' } : { kind: 'reordered' };
      else {
        const other = nowWith.get(key);
        change = other && other.id !== courierId ? { kind: 'from', courierId: other.id, courierName: other.name } : { kind: 'new' };
      }
      const delivery = deliveries.get(stop.deliveryId);
      return {
        key,
        n: done + index + 1,
        deliveryId: stop.deliveryId,
        type: stop.type,
        name: deliveryName({ deliveryId: stop.deliveryId, reference: stop.reference ?? delivery?.reference ?? null }),
        ...stopPlace(delivery, stop.type),
        arrival: stop.arrival,
        departure: stop.departure,
        loadAfter: stop.loadAfter,
        change,
      };
    });
    const leaving = current.filter((stop) => stop.change.kind !== 'kept' && stop.change.kind !== 'done').length;
    moved += leaving;
    const arriving = planned.filter((stop) => stop.change.kind === 'from' || stop.change.kind === 'new').length;
    return { courierId, name, current, done, round, planned, changes: leaving + arriving };
  };
  for (const courier of board.couriers) {
    if (courier.round.stops.length === 0 && !roundOf.has(courier.id)) continue;
    rows.push(row(courier.id, courier.name, courier));
  }
  for (const round of plan.rounds) if (!board.couriers.some((courier) => courier.id === round.courierId)) rows.push(row(round.courierId, round.courierName, undefined));

  const leftOut = plan.unassigned.map((entry): LeftOutView => {
    const delivery = deliveries.get(entry.deliveryId);
    return { deliveryId: entry.deliveryId, name: deliveryName({ deliveryId: entry.deliveryId, reference: entry.reference ?? delivery?.reference ?? null }), reason: entry.reason, message: entry.message, weightKg: weightOf(delivery) };
  });
  return { rows, leftOut, summary: summaryOf(plan, moved), moved };
}

/* ---------- Words ---------- */

export const isKnownReason = (reason: string): reason is UnassignedReason => (UNASSIGNED_REASONS as readonly string[]).includes(reason);

/** A duration in whole minutes, as hours and minutes ("1 h 05" is said "1 h 5 min"). */
export function durationParts(seconds: number): { h: number; m: number } {
  const minutes = Math.max(0, Math.round((Number.isFinite(seconds) ? seconds : 0) / 60));
  return { h: Math.floor(minutes / 60), m: minutes % 60 };
}

/* ---------- Proposals made by the system ---------- */

/**
 * The proposal worth a notice: the newest `ready` plan the system made by itself after a booking
 * or a cancellation, made after the last plan applied (an older one was made from rounds that
 * changed since), and neither discarded here nor already shown.
 */
export function newProposal(plans: readonly Plan[], dismissed: ReadonlySet<string> = new Set(), shownId?: string): Plan | undefined {
  const lastApplied = plans.reduce<number>((latest, plan) => (plan.status === 'applied' ? Math.max(latest, Date.parse(plan.appliedAt ?? plan.createdAt) || 0) : latest), -Infinity);
  return plans
    .filter((plan) => plan.status === 'ready' && (plan.trigger === 'booking' || plan.trigger === 'cancellation'))
    .filter((plan) => Date.parse(plan.createdAt) > lastApplied)
    .filter((plan) => !dismissed.has(plan.id) && plan.id !== shownId)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
}

/** The refusal `POST /v1/hub/plans/{id}/apply` gives when a delivery changed since the plan was made. */
export const isPlanOutdated = (error: unknown): boolean => (error as { code?: string } | null)?.code === 'plan_outdated';

import type { Principal } from '../auth/principal.js';
import { mapLimit } from '../billing/concurrency.js';
import { courierRepository } from '../couriers/repository.js';
import type { Place, Shift, StoredCourier } from '../couriers/schemas.js';
import { parisDateOf } from '../deliveries/day.js';
import { deliveryRepository } from '../deliveries/repository.js';
import type { Delivery } from '../deliveries/schemas.js';
import { CYCLING_DETOUR_FACTOR } from '../geo/router.js';
import { activeMatrixRouter, GreatCircleMatrix, speedProfiles, type SpeedProfile } from '../geo/matrix.js';
import type { StoredRound } from '../rounds/repository.js';
import { roundRepository } from '../rounds/repository.js';
import { depotPlace, orderStops } from '../rounds/service.js';
import { tenantRepository } from '../tenants/repository.js';
import { addDeliveryFigures, kgCo2e, kmOf, noDeliveries, pathMetres, ridePath, riddenStops, shareByTenant, visitedStop, type DeliveryFigures, type LatLng, type RiddenStop } from './calculate.js';
import { impactErrors } from './errors.js';
import { VAN_FACTOR } from './factor.js';
import type { ImpactFigures, ImpactQuery, ImpactReport, ImpactRound } from './schemas.js';

/** Reads of a day run this many at a time (a year is some 370 days). */
const DAY_CONCURRENCY = 8;
/** A delivery delivered in a month may have been planned (its service day) a few days before or after it. */
const LOOK_BACK_DAYS = 7;
/** Deliveries that stand on a courier's round (the rounds' own list, shared/rounds/service.ts). */
const onRound = new Set(['assigned', 'picked_up', 'delivered', 'failed', 'returned', 'returned_to_sender']);

const noSuchTenant = (tenantId: string) => impactErrors.error('resource_missing', `No such tenant: '${tenantId.slice(0, 64)}'.`, { param: 'tenantId' });

export type ImpactScope = { kind: 'hub' } | { kind: 'tenant'; tenantId: string };

/** Whose figures: a tenant (and its bookkeeper) its own; the hub's keys the whole hub, or one tenant with `tenantId`. */
export async function impactScope(principal: Principal, tenantId: string | undefined): Promise<ImpactScope> {
  const own = principal.role === 'tenant' || (principal.role === 'accountant' && principal.tenantId !== undefined) ? principal.tenantId : undefined;
  if (principal.role === 'courier') throw impactErrors.error('forbidden', 'Couriers do not read the impact report.');
  if (own !== undefined) {
    if (tenantId !== undefined && tenantId !== own) throw noSuchTenant(tenantId);
    return { kind: 'tenant', tenantId: own };
  }
  if (tenantId === undefined) return { kind: 'hub' };
  if (!(await tenantRepository.get(tenantId))) throw noSuchTenant(tenantId);
  return { kind: 'tenant', tenantId };
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}
const lastDayOf = (month: string) => addDays(`${nextMonth(month)}-01`, -1);
function nextMonth(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, '0')}`;
}

export interface ImpactPeriod {
  month: string | null;
  year: string | null;
  months: string[];
  from: string;
  /** The last day of the period. */
  to: string;
}

/** The period asked for: a month or a year, not both, not in the future (Europe/Paris). */
export function impactPeriod(query: Pick<ImpactQuery, 'month' | 'year'>, now: Date): ImpactPeriod {
  if (query.month !== undefined && query.year !== undefined) throw impactErrors.error('parameter_invalid', 'Give `month` (YYYY-MM) or `year` (YYYY), not both.', { param: 'year' });
  if (query.month === undefined && query.year === undefined) throw impactErrors.error('parameter_missing', 'Give the period: `month` (YYYY-MM) or `year` (YYYY).', { param: 'month' });
  const today = parisDateOf(now);
  if (query.month !== undefined) {
    if (query.month < '2000-01') throw impactErrors.error('parameter_invalid', `${query.month} is before the platform existed.`, { param: 'month' });
    if (query.month > today.slice(0, 7)) throw impactErrors.error('parameter_invalid', `${query.month} is in the future: nothing was ridden yet.`, { param: 'month' });
    return { month: query.month, year: null, months: [query.month], from: `${query.month}-01`, to: lastDayOf(query.month) };
  }
  const year = query.year as string;
  if (year < '2000') throw impactErrors.error('parameter_invalid', `${year} is before the platform existed.`, { param: 'year' });
  if (year > today.slice(0, 4)) throw impactErrors.error('parameter_invalid', `${year} is in the future: nothing was ridden yet.`, { param: 'year' });
  const months = Array.from({ length: 12 }, (_, index) => `${year}-${String(index + 1).padStart(2, '0')}`).filter((month) => month <= today.slice(0, 7));
  return { month: null, year, months, from: `${year}-01-01`, to: `${year}-12-31` };
}

interface RoundResult {
  date: string;
  courierId: string;
  stops: RiddenStop[];
  metres: number;
  distances: 'road' | 'great_circle';
}

function profileOf(courier: StoredCourier | undefined): SpeedProfile {
  const type = courier?.vehicle.type;
  return type && (speedProfiles as readonly string[]).includes(type) ? (type as SpeedProfile) : 'cargo_bike';
}

const at = (place: Place): LatLng => ({ lat: place.lat, lng: place.lng });

/** The rounds of a day that rode somewhere: each courier's stops done, in the round's stored order, from the shift's start place to its end place (else the depot). */
async function roundsOfDay(date: string, deliveries: readonly Delivery[], couriers: Map<string, StoredCourier>, depot: Place): Promise<RoundResult[]> {
  const byCourier = new Map<string, Delivery[]>();
  for (const delivery of deliveries) {
    if (!delivery.courierId || !onRound.has(delivery.status)) continue;
    byCourier.set(delivery.courierId, [...(byCourier.get(delivery.courierId) ?? []), delivery]);
  }
  const riding = [...byCourier.entries()].filter(([, mine]) => mine.some((delivery) => visitedStop(delivery, 'pickup') || visitedStop(delivery, 'dropoff')));
  if (riding.length === 0) return [];
  const keys = riding.map(([courierId]) => ({ courierId, date }));
  const [stored, shifts] = await Promise.all([roundRepository.getMany(keys), courierRepository.getShifts(keys)]);
  const results: RoundResult[] = [];
  for (const [index, [courierId, mine]] of riding.entries()) {
    const round = stored[index] as StoredRound | undefined;
    const shift = shifts[index] as Shift | undefined;
    const stops = riddenStops(orderStops(round?.stops ?? [], mine));
    if (stops.length === 0) continue;
    const path = ridePath(at(shift?.startPlace ?? depot), stops, at(shift?.endPlace ?? depot));
    const profile = profileOf(couriers.get(courierId));
    let distances: RoundResult['distances'] = process.env.ROUTER_URL ? 'road' : 'great_circle';
    let matrix;
    try {
      matrix = await activeMatrixRouter().matrix(path, profile);
    } catch {
      // The router down: this round in straight lines × the detour factor, and the report says so.
      matrix = await new GreatCircleMatrix().matrix(path, profile);
      distances = 'great_circle';
    }
    results.push({ date, courierId, stops, metres: pathMetres(matrix.distances, path.length), distances });
  }
  return results;
}

interface Tally extends DeliveryFigures {
  stops: number;
  metres: number;
}
const emptyTally = (): Tally => ({ ...noDeliveries(), stops: 0, metres: 0 });
function finish(tally: Tally): ImpactFigures {
  return {
    deliveries: tally.deliveries,
    failedAttempts: tally.failedAttempts,
    parcels: tally.parcels,
    weightKg: Math.round(tally.weightKg * 1000) / 1000,
    stops: tally.stops,
    metres: tally.metres,
    km: kmOf(tally.metres),
    kgCo2eAvoided: kgCo2e(tally.metres, VAN_FACTOR.kgCo2ePerKm),
  };
}

export function methodOf(): ImpactReport['method'] {
  const road = Boolean(process.env.ROUTER_URL);
  return {
    distances: road ? 'road' : 'great_circle',
    detourFactor: road ? null : CYCLING_DETOUR_FACTOR,
    description: road
      ? 'Kilometres ridden on the applied rounds: for each courier and day, from the shift’s start place (else the depot) through the stops done, in the round’s order, to its end place, by road distances from the router (OSRM, ROUTER_URL); a round the router could not answer for is counted in straight lines × 1.3 (its `distances` says so).'
      : `Kilometres ridden on the applied rounds: for each courier and day, from the shift’s start place (else the depot) through the stops done, in the round’s order, to its end place; no road router is configured (ROUTER_URL), so each leg is the great-circle distance × ${CYCLING_DETOUR_FACTOR}, the cycling detour factor the pricing uses.`,
    allocation: 'Each round’s metres are shared equally among the stops done on it; a tenant gets the share of its stops (whole metres, largest remainder: the shares add up to the round). The hub’s total is the sum of its rounds.',
  };
}

/** The impact report of a month or a year, for a tenant or the whole hub. */
export async function impactReport(principal: Principal, query: ImpactQuery, now = new Date()): Promise<ImpactReport> {
  const period = impactPeriod(query, now);
  const scope = await impactScope(principal, query.tenantId);
  const today = parisDateOf(now);
  const lastDay = period.to < today ? period.to : today;

  // Deliveries are listed by service day: a few days either side of the period catch those delivered on another day than planned.
  const lookAhead = addDays(period.to, LOOK_BACK_DAYS);
  const deliveryDays = daysBetween(addDays(period.from, -LOOK_BACK_DAYS), lookAhead < today ? lookAhead : today);
  const lists = await mapLimit(deliveryDays, DAY_CONCURRENCY, (day) => deliveryRepository.listForDay(day));
  const byDay = new Map(deliveryDays.map((day, index) => [day, lists[index] as Delivery[]]));

  // Deliveries delivered (and attempts failed) in the period, whatever their service day.
  const monthTallies = new Map(period.months.map((month) => [month, emptyTally()]));
  const tenantTallies = new Map<string, Map<string, Tally>>();
  const tallyOf = (tenantId: string) => {
    let tallies = tenantTallies.get(tenantId);
    if (!tallies) tenantTallies.set(tenantId, (tallies = new Map(period.months.map((month) => [month, emptyTally()]))));
    return tallies;
  };
  const seen = new Set<string>();
  for (const list of lists) {
    for (const delivery of list) {
      if (seen.has(delivery.id)) continue;
      seen.add(delivery.id);
      if (scope.kind === 'tenant' && delivery.tenantId !== scope.tenantId) continue;
      addDeliveryFigures(monthTallies, delivery);
      if (scope.kind === 'hub') addDeliveryFigures(tallyOf(delivery.tenantId), delivery);
    }
  }

  // The rounds of the period, day by day.
  const [couriers, depot] = await Promise.all([courierRepository.listAll(), depotPlace()]);
  const courierById = new Map(couriers.map((courier) => [courier.id, courier]));
  const roundDays = daysBetween(period.from, lastDay);
  const rounds = (await mapLimit(roundDays, DAY_CONCURRENCY, (day) => roundsOfDay(day, byDay.get(day) ?? [], courierById, depot))).flat();
  const roundRows: ImpactRound[] = [];
  for (const round of rounds) {
    const shares = shareByTenant(round.metres, round.stops);
    const month = round.date.slice(0, 7);
    const tally = monthTallies.get(month);
    if (scope.kind === 'hub') {
      if (tally) {
        tally.stops += round.stops.length;
        tally.metres += round.metres;
      }
      for (const share of shares) {
        const tenantTally = tallyOf(share.tenantId).get(month);
        if (tenantTally) {
          tenantTally.stops += share.stops;
          tenantTally.metres += share.metres;
        }
      }
      roundRows.push({ date: round.date, courierId: round.courierId, stops: round.stops.length, metres: round.metres, km: kmOf(round.metres), kgCo2eAvoided: kgCo2e(round.metres, VAN_FACTOR.kgCo2ePerKm), distances: round.distances, tenants: shares });
    } else {
      const share = shares.find((entry) => entry.tenantId === scope.tenantId);
      if (share && tally) {
        tally.stops += share.stops;
        tally.metres += share.metres;
      }
    }
  }

  const sum = (tallies: Iterable<Tally>) => {
    const total = emptyTally();
    for (const tally of tallies) {
      total.deliveries += tally.deliveries;
      total.failedAttempts += tally.failedAttempts;
      total.parcels += tally.parcels;
      total.weightKg += tally.weightKg;
      total.stops += tally.stops;
      total.metres += tally.metres;
    }
    return total;
  };
  return {
    object: 'impact_report',
    scope: scope.kind,
    tenantId: scope.kind === 'tenant' ? scope.tenantId : null,
    period: { month: period.month, year: period.year, from: period.from, to: period.to, complete: period.to < today },
    method: methodOf(),
    factor: { ...VAN_FACTOR },
    totals: finish(sum(monthTallies.values())),
    months: [...monthTallies.entries()].map(([month, tally]) => ({ month, ...finish(tally) })),
    tenants:
      scope.kind === 'hub'
        ? [...tenantTallies.entries()]
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([tenantId, tallies]) => ({ tenantId, ...finish(sum(tallies.values())) }))
            .filter((row) => row.deliveries + row.failedAttempts + row.stops > 0)
        : null,
    rounds: scope.kind === 'hub' ? roundRows.sort((a, b) => a.date.localeCompare(b.date) || a.courierId.localeCompare(b.courierId)) : null,
    generatedAt: now.toISOString(),
  };
}

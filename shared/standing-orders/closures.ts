import { writeOne } from '../db/transact.js';
import { newId } from '../ids.js';
import { closureErrors } from './errors.js';
import type { ClosurePeriod } from './recurrence.js';
import { standingOrderRepository as repository } from './repository.js';
import type { Closure, ClosureInput, ClosureList } from './schemas.js';

/**
 * Closure periods: the tenant's (a canteen's school holidays) apply to its standing orders, the
 * hub's (its summer break) to every one. Each list is replaced whole. A period that ends before
 * it starts is refused, naming it (`closures[1].end`).
 */
export function checkClosures(closures: readonly ClosureInput[], param = 'closures'): void {
  closures.forEach((closure, index) => {
    if (closure.end < closure.start) {
      throw closureErrors.error('parameter_invalid', `${param}[${index}].end (${closure.end}) is before its start (${closure.start}): a closure ends on or after the day it starts.`, { param: `${param}[${index}].end` });
    }
  });
}

/** Keeps the id of a period given again unchanged; a new one gets its own. */
export function withIds(closures: readonly ClosureInput[], previous: readonly Closure[] = []): Closure[] {
  const known = new Map(previous.map((closure) => [`${closure.start}|${closure.end}|${closure.reason}`, closure.id]));
  return closures.map((closure) => ({ id: known.get(`${closure.start}|${closure.end}|${closure.reason}`) ?? newId('closure'), start: closure.start, end: closure.end, reason: closure.reason }));
}

function view(scope: 'tenant' | 'hub', tenantId: string | null, stored: { closures: Closure[]; updatedAt: string } | undefined): ClosureList {
  return { object: 'closure_list', scope, tenantId, closures: stored?.closures ?? [], updatedAt: stored?.updatedAt ?? null };
}

export async function getClosures(scope: 'tenant' | 'hub', tenantId: string | null): Promise<ClosureList> {
  return view(scope, tenantId, await repository.getClosures(scope, tenantId));
}

export async function putClosures(scope: 'tenant' | 'hub', tenantId: string | null, closures: readonly ClosureInput[], now = new Date()): Promise<ClosureList> {
  checkClosures(closures);
  const previous = await repository.getClosures(scope, tenantId);
  const sorted = [...closures].sort((a, b) => a.start.localeCompare(b.start) || a.end.localeCompare(b.end));
  const stored = { scope, tenantId, closures: withIds(sorted, previous?.closures), updatedAt: now.toISOString() };
  await writeOne(repository.putClosures(stored), () => new Error('an unconditional write cannot be refused'));
  return view(scope, tenantId, stored);
}

/** The hub's closures and a tenant's, as periods to skip (the order's own are added by the expansion). */
export async function closuresFor(tenantId: string, hub?: readonly ClosurePeriod[]): Promise<ClosurePeriod[]> {
  const [own, hubs] = await Promise.all([repository.getClosures('tenant', tenantId), hub ? Promise.resolve(undefined) : repository.getClosures('hub', null)]);
  return [
    ...(own?.closures ?? []).map((closure) => ({ ...closure, source: 'tenant' as const })),
    ...(hub ?? (hubs?.closures ?? []).map((closure) => ({ ...closure, source: 'hub' as const }))),
  ];
}

export async function hubClosures(): Promise<ClosurePeriod[]> {
  return ((await repository.getClosures('hub', null))?.closures ?? []).map((closure) => ({ ...closure, source: 'hub' as const }));
}

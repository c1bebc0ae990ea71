import { tenantRepository } from '../tenants/repository.js';
import { periodOf, shiftPeriod } from './period.js';

/**
 * The months a hub-wide list without a period reads, newest first: from the current Paris month
 * back to the month the first tenant joined (or `since`), at most five years. One Query each.
 */
export async function monthsSinceFirstTenant(now = new Date(), since?: string): Promise<string[]> {
  const joined = since ?? (await tenantRepository.list({ limit: 1 })).data[0]?.createdAt;
  if (joined === undefined) return [];
  const months: string[] = [];
  for (let period = periodOf(now); period >= periodOf(joined) && months.length < 60; period = shiftPeriod(period, -1)) months.push(period);
  return months;
}

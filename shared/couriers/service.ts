import { newApiKey } from '../auth/api-keys.js';
import { transact } from '../db/transact.js';
import { outboxEntry } from '../events/outbox.js';
import { newId } from '../ids.js';
import { courierRepository } from './repository.js';
import type { Courier, CreateCourierBody } from './schemas.js';
import { courierErrors } from './errors.js';
import { tenantEvents } from '../tenants/events.js';


/** A courier and its key are written in one transaction: never a courier without a key, or the reverse. */
export async function createCourier(input: CreateCourierBody, now = new Date()): Promise<Courier & { apiKey: string }> {
  const courier: Courier = { id: newId('courier', now.getTime()), object: 'courier', name: input.name, createdAt: now.toISOString() };
  const { issued, create: createKey } = newApiKey({ role: 'courier', courierId: courier.id }, now);
  const created = { ...courier, apiKey: issued.key };
  await transact(
    [courierRepository.create(courier), createKey, outboxEntry(tenantEvents.courierCreated, null, { courierId: courier.id }, now).create],
    () => new Error(`courier ${courier.id} exists already`),
    { result: created },
  );
  return created;
}

export async function getCourier(courierId: string): Promise<Courier> {
  const courier = await courierRepository.get(courierId);
  if (!courier) throw courierErrors.notFound('courier', courierId);
  return courier;
}

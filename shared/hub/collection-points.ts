import * as z from 'zod';
import { writeOne } from '../db/transact.js';
import type { Page, PageRequest } from '../db/pagination.js';
import { activeGeocoder } from '../geo/adapters.js';
import { resolveCoordinates } from '../geo/geocoder.js';
import { isInServiceArea } from '../geo/service-area.js';
import { isId, newId } from '../ids.js';
import { Address, text, Timestamp } from '../schemas/common.js';
import { collectionPointErrors } from './errors.js';
import { collectionPoints, collectionPointRepository, type StoredCollectionPoint } from './repository.js';
import { hubDefaults } from './settings.js';

/**
 * Collection points: partner shops where recipients collect their parcels. The hub declares
 * them; a tenant books a delivery to one (`collectionPointId`): its address becomes the
 * drop-off, the recipient stays the contact.
 */
export const CollectionPointBody = z
  .strictObject({
    name: text(200),
    address: Address,
    openingHours: text(500).optional().meta({ description: 'As people read them: "mar.–sam. 9h–19h".' }),
  })
  .meta({ id: 'CollectionPointRequest' });
export type CollectionPointBody = z.output<typeof CollectionPointBody>;

export const CollectionPoint = z
  .object({
    id: z.string(),
    object: z.literal('collection_point'),
    name: z.string(),
    address: z.object({ line1: z.string(), line2: z.string().optional(), postcode: z.string(), city: z.string(), country: z.literal('FR'), lat: z.number(), lng: z.number() }),
    openingHours: z.string().nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: 'CollectionPoint' });
export type CollectionPoint = z.output<typeof CollectionPoint>;

function view(point: StoredCollectionPoint): CollectionPoint {
  return { id: point.id, object: 'collection_point', name: point.name, address: point.address, openingHours: point.openingHours, createdAt: point.createdAt };
}

/** A new point: its address located (given lat/lng, else geocoded) and inside the service area. */
export async function createCollectionPoint(body: CollectionPointBody, now = new Date()): Promise<CollectionPoint> {
  const [coordinates, context] = await Promise.all([resolveCoordinates(body.address, activeGeocoder(), 'address'), hubDefaults()]);
  if (!isInServiceArea(context.serviceArea, coordinates)) {
    throw collectionPointErrors.error('outside_service_area', 'address is outside the area the hub serves.', { param: 'address' });
  }
  const point: StoredCollectionPoint = {
    id: newId('collectionPoint', now.getTime()),
    name: body.name,
    address: { ...body.address, ...coordinates } as StoredCollectionPoint['address'],
    openingHours: body.openingHours ?? null,
    createdAt: now.toISOString(),
  };
  const answer = view(point);
  await writeOne(collectionPoints.create(point), () => new Error(`collection point ${point.id} exists already`), { result: answer });
  return answer;
}

export async function listCollectionPoints(page: PageRequest): Promise<Page<CollectionPoint>> {
  const found = await collectionPointRepository.list(page);
  return { ...found, data: found.data.map(view) };
}

/** A point by id, or undefined (an id of another shape included). */
export async function findCollectionPoint(id: string): Promise<CollectionPoint | undefined> {
  if (!isId('collectionPoint', id)) return undefined;
  const point = await collectionPointRepository.get(id);
  return point ? view(point) : undefined;
}

/** Removes a point (deliveries booked to it keep its name and address). 404 when there is none. */
export async function deleteCollectionPoint(id: string): Promise<{ id: string; object: 'collection_point'; deleted: true }> {
  if (!isId('collectionPoint', id) || !(await collectionPointRepository.remove(id))) throw collectionPointErrors.notFound('collection point', id);
  return { id, object: 'collection_point', deleted: true };
}

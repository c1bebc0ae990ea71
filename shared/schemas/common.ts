import * as z from 'zod';
import { errorCatalogue, type ErrorCode } from '../errors.js';

/** Bounded text: every string the API accepts has a maximum length. */
export const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * What DynamoDB stores as a number (developer guide, "Data types / Number"): 0, or a magnitude
 * from 1E-130 to 9.9999999999999999999999999999999999999E+125, with at most 38 significant
 * digits. A number outside fails the write after validation has passed: a 500, and a platform
 * posting orders retries it forever. A double never has more than 17 significant digits, but
 * the SDK's marshaller refuses anything beyond Number.MAX_SAFE_INTEGER (it could not be read
 * back exactly), so that is the upper bound here.
 */
export const DYNAMODB_SMALLEST_NUMBER = 1e-130;

export function isStorableNumber(value: number): boolean {
  const magnitude = Math.abs(value);
  return value === 0 || (magnitude >= DYNAMODB_SMALLEST_NUMBER && magnitude <= Number.MAX_SAFE_INTEGER);
}

export interface NumberBounds {
  /** Inclusive. */
  min: number;
  /** Inclusive. */
  max: number;
  /**
   * Where the range reaches 0: the smallest magnitude other than 0 that means something. By
   * default the smallest DynamoDB stores.
   */
  smallest?: number;
}

/**
 * Every non-integer number a request carries is built here, so what validation accepts the
 * table can store: within `[min, max]`, and 0 or at least `smallest` away from 0. A value
 * outside is a 400 `parameter_invalid` naming the field. Integers need none of this: zod's
 * `.int()` keeps to safe integers, and the API bounds them all far below.
 */
export function storableNumber({ min, max, smallest = DYNAMODB_SMALLEST_NUMBER }: NumberBounds) {
  if (![min, max, smallest].every(isStorableNumber) || min > max || smallest <= 0) {
    throw new RangeError(`[${min}, ${max}] with smallest ${smallest}: not bounds DynamoDB can store.`);
  }
  const schema = z.number().min(min).max(max);
  // A range that keeps away from 0 by itself needs no more.
  if (min >= smallest || max <= -smallest) return schema;
  const allowed = min >= 0 ? `must be 0 or at least ${smallest}` : `must be 0 or at least ${smallest} in absolute value`;
  const why = smallest === DYNAMODB_SMALLEST_NUMBER ? ': nothing closer to 0 can be stored, send 0' : '';
  return schema.refine((value) => value === 0 || Math.abs(value) >= smallest, { message: `${allowed}${why}` });
}

/**
 * Coordinates have no natural smallest magnitude (the equator, and the Greenwich meridian that
 * crosses western France, are 0): only what cannot be stored is refused, with a hint to send 0.
 */
export const Latitude = storableNumber({ min: -90, max: 90 }).meta({ description: 'Degrees, from -90 to 90: 0, or at least 1e-130 away from 0.' });
export const Longitude = storableNumber({ min: -180, max: 180 }).meta({ description: 'Degrees, from -180 to 180: 0, or at least 1e-130 away from 0.' });

export const Coordinates = z
  .strictObject({
    lat: Latitude,
    lng: Longitude,
  })
  .meta({ id: 'Coordinates', description: 'WGS 84 coordinates.' });

/**
 * A postal address in France. `lat`/`lng` may be omitted only where a geocoder is configured
 * (the delivery issue enforces it where coordinates are needed).
 */
export const Address = z
  .strictObject({
    line1: text(200),
    line2: text(200).optional(),
    postcode: z.string().regex(/^\d{5}$/, 'must be a French postcode of 5 digits'),
    city: text(100),
    country: z.literal('FR').default('FR'),
    lat: Latitude.optional(),
    lng: Longitude.optional(),
  })
  .refine((address) => (address.lat === undefined) === (address.lng === undefined), {
    message: 'and lng go together: give both or neither',
    path: ['lat'],
  })
  .meta({ id: 'Address' });
export type Address = z.output<typeof Address>;

export const Timestamp = z.iso.datetime().meta({ description: 'An instant, ISO 8601 in UTC.', example: '2026-11-26T09:30:00.000Z' });

/** Path parameters are plain bounded strings: an id of the wrong shape is simply not found. */
export const IdParam = z.strictObject({ id: z.string().min(1).max(128) });

export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    hasMore: z.boolean(),
    nextCursor: z.string().nullable(),
  });
}

export const ErrorBody = z
  .object({
    error: z.object({
      type: z.enum([...new Set(Object.values(errorCatalogue).map((entry) => entry.type))] as [string, ...string[]]),
      code: z.enum(Object.keys(errorCatalogue) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      param: z.string().optional(),
      requestId: z.string(),
    }),
  })
  .meta({ id: 'Error', description: 'Every error, from every endpoint, has this shape.' });

import * as z from 'zod';
import { errorCatalogue, type ErrorCode } from '../errors.js';

/** Bounded text: every string the API accepts has a maximum length. */
export const text = (max: number) => z.string().trim().min(1).max(max);

export const Coordinates = z
  .strictObject({
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
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
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
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

import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { formatParam, parseOrThrow } from '../../shared/http/validation.js';
import { CreateTenantBody } from '../../shared/tenants/schemas.js';

const failure = (schema: z.ZodType, input: unknown): AppError => {
  try {
    parseOrThrow(schema, input);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a validation error');
};

describe('zod issues become the contract 400s', () => {
  const Body = z.strictObject({
    dropoff: z.strictObject({ address: z.strictObject({ lat: z.number(), city: z.string().max(5) }) }),
    parcels: z.array(z.strictObject({ weightKg: z.number().positive() })).min(1),
    service: z.enum(['standard', 'express']).optional(),
  });
  const valid = { dropoff: { address: { lat: 45.4, city: 'Lyon' } }, parcels: [{ weightKg: 2 }] };

  it('names a nested field with dots, as the contract example does', () => {
    const error = failure(Body, { ...valid, dropoff: { address: { lat: 'x', city: 'Lyon' } } });
    expect(error).toMatchObject({ code: 'parameter_invalid', param: 'dropoff.address.lat', message: 'dropoff.address.lat must be a number.' });
    expect(error.status).toBe(400);
    expect(error.type).toBe('invalid_request');
  });

  it('names array items with brackets', () => {
    expect(failure(Body, { ...valid, parcels: [{ weightKg: 1 }, { weightKg: -3 }] })).toMatchObject({ code: 'parameter_invalid', param: 'parcels[1].weightKg' });
  });

  it('says parameter_missing for an absent field and parameter_invalid for a null one', () => {
    expect(failure(Body, { parcels: [{ weightKg: 1 }] })).toMatchObject({ code: 'parameter_missing', param: 'dropoff', message: 'dropoff is required.' });
    expect(failure(Body, { ...valid, dropoff: null })).toMatchObject({ code: 'parameter_invalid', param: 'dropoff' });
  });

  it('reports an unknown field first, with its full path', () => {
    expect(failure(Body, { dropoff: { address: { lat: 1, city: 'x', zip: 1 } } })).toMatchObject({ code: 'unknown_parameter', param: 'dropoff.address.zip' });
  });

  it('explains limits and choices', () => {
    expect(failure(Body, { ...valid, dropoff: { address: { lat: 1, city: 'Saint-Étienne' } } }).message).toBe('dropoff.address.city must have at most 5 character(s).');
    expect(failure(Body, { ...valid, parcels: [] }).message).toBe('parcels must have at least 1 item(s).');
    expect(failure(Body, { ...valid, service: 'fast' }).message).toBe('service must be one of: "standard", "express".');
  });

  it('speaks of the body itself when it is not an object', () => {
    const error = failure(Body, [1, 2]);
    expect(error.code).toBe('parameter_invalid');
    expect(error.param).toBeUndefined();
    expect(error.message).toBe('The request body must be an object.');
  });

  it('validates a real request schema: French postcodes, e-mails, bounded text', () => {
    const tenant = { name: 'A', kind: 'shop', billingEmail: 'a@b.fr', address: { line1: '1 rue', postcode: '42000', city: 'Saint-Étienne' } };
    expect(parseOrThrow(CreateTenantBody, tenant).address.country).toBe('FR');
    expect(failure(CreateTenantBody, { ...tenant, address: { ...tenant.address, postcode: '4200' } })).toMatchObject({ param: 'address.postcode' });
    expect(failure(CreateTenantBody, { ...tenant, address: { ...tenant.address, lat: 45 } })).toMatchObject({ param: 'address.lat', message: 'address.lat and lng go together: give both or neither.' });
  });
});

describe('formatParam', () => {
  it('joins keys with dots and indexes with brackets', () => {
    expect(formatParam(['a', 0, 'b', 12, 'c'])).toBe('a[0].b[12].c');
    expect(formatParam([])).toBe('');
  });
});

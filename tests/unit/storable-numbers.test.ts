import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { routes } from '../../shared/app/routes.js';
import { validationError } from '../../shared/http/validation.js';
import { isStorableNumber, storableNumber } from '../../shared/schemas/common.js';
import { decimalFits, dynamoDbStores } from '../helpers/dynamodb-numbers.js';

/** The doubles either side of a value, where off-by-one mistakes hide. */
function neighbours(value: number): number[] {
  const bits = new DataView(new ArrayBuffer(8));
  bits.setFloat64(0, value);
  const raw = bits.getBigUint64(0);
  return [raw - 1n, raw + 1n].map((next) => {
    bits.setBigUint64(0, next);
    return bits.getFloat64(0);
  });
}

const edges = [
  0, -0, 1e-130, 9.99e-131, 1e-131, 1e-200, 5e-324, 2.2250738585072014e-308, 2.225e-308, 1e-7, 0.001, 0.1, 1, 90, 180, 1000,
  Number.MAX_SAFE_INTEGER, 2 ** 53, 9.99e125, 1e126, 1e300, Number.MAX_VALUE, Number.POSITIVE_INFINITY, Number.NaN,
].flatMap((value) => [value, -value, ...neighbours(value), ...neighbours(-value)]);

const edgeNumber = fc.oneof(
  fc.constantFrom(...edges),
  fc.double(),
  fc.double({ min: 1e-135, max: 1e-125 }),
  fc.double({ min: 1e120, max: 1e130 }),
  fc.double({ min: -1e-125, max: -1e-135 }),
);

interface NumberSite {
  where: string;
  schema: z.core.$ZodType;
}

/**
 * Every number schema a request schema contains, with where it is (one schema reused in many
 * places, like a latitude, is found at each). A schema kind it does not know fails the walk: a
 * new wrapper must be taught here, not silently skipped.
 */
function numberSites(schema: z.core.$ZodType, where: string, found: NumberSite[] = [], ancestors = new Set<z.core.$ZodType>()): NumberSite[] {
  // Only a schema that contains itself (z.lazy) could loop.
  if (ancestors.has(schema)) return found;
  ancestors.add(schema);
  const typed = schema as z.core.$ZodTypes;
  const def = typed._zod.def;
  switch (def.type) {
    case 'number':
      found.push({ where, schema });
      break;
    case 'object':
      for (const [key, value] of Object.entries(def.shape)) numberSites(value, `${where}.${key}`, found, ancestors);
      if (def.catchall) numberSites(def.catchall, `${where}.*`, found, ancestors);
      break;
    case 'array':
      numberSites(def.element, `${where}[]`, found, ancestors);
      break;
    case 'tuple':
      def.items.forEach((item, index) => numberSites(item, `${where}[${index}]`, found, ancestors));
      if (def.rest) numberSites(def.rest, `${where}[…]`, found, ancestors);
      break;
    case 'record':
      numberSites(def.keyType, `${where}{key}`, found, ancestors);
      numberSites(def.valueType, `${where}{}`, found, ancestors);
      break;
    case 'union':
      def.options.forEach((option, index) => numberSites(option, `${where}|${index}`, found, ancestors));
      break;
    case 'intersection':
      numberSites(def.left, where, found, ancestors);
      numberSites(def.right, where, found, ancestors);
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      numberSites(def.innerType, where, found, ancestors);
      break;
    case 'pipe':
      numberSites(def.in, where, found, ancestors);
      numberSites(def.out, where, found, ancestors);
      break;
    case 'lazy':
      numberSites(def.getter(), where, found, ancestors);
      break;
    case 'literal':
      // A number literal is a number the request may carry too.
      if (def.values.some((value) => typeof value === 'number' && !dynamoDbStores(value))) throw new Error(`${where}: a literal DynamoDB cannot store`);
      break;
    case 'string':
    case 'boolean':
    case 'enum':
    case 'null':
    case 'undefined':
    case 'never':
    case 'template_literal':
      break;
    default:
      throw new Error(`${where}: a ${def.type} schema, which this walk does not know how to check`);
  }
  ancestors.delete(schema);
  return found;
}

const sites: NumberSite[] = Object.entries(routes as Record<string, { request?: Partial<Record<'body' | 'query' | 'params', z.core.$ZodType>> }>).flatMap(([name, route]) =>
  (['body', 'query', 'params'] as const).flatMap((part) => {
    const schema = route.request?.[part];
    return schema ? numberSites(schema, `${name} ${part}`) : [];
  }),
);

/** Where the walk must find numbers: the routes known to carry some. */
const knownSites = [
  'createQuote body.parcels[].weightKg',
  'createQuote body.parcels[].lengthCm',
  'createQuote body.pickup.address.lat',
  'createQuote body.dropoff.address.lng',
  'createDelivery body|1.parcels[].heightCm',
  'courierEvent body.position.lat',
  'courierEvent body.position.lng',
  'createIntegration body.defaultParcel.weightKg',
  'createIntegration body.pickup.address.lat',
  'bookIntegrationOrder body.parcels[].weightKg',
  'createTenant body.address.lat',
  'putServiceArea body|0.coordinates[][][0]',
  'putServiceArea body|1.coordinates[][][][1]',
  'putCapacity body.maxWeightKg',
  'putCapacity body.maxVolumeLiters',
  'putHubRateCard body.weightTiers[].upToKg',
  'putHubRateCard body.volume.includedLiters',
  'putSlots body.slots[].capacity',
  'rotateIntegrationSecret body.gracePeriodHours',
  'listDeliveries query.limit',
];

/** DynamoDB's documented boundaries, as the decimal the SDK sends. */
const documentedBoundaries: Array<[string, boolean]> = [
  ['0', true],
  ['1E-130', true],
  ['-1E-130', true],
  ['9.9999999999999999999999999999999999999E+125', true],
  ['12345678901234567890123456789012345678', true],
  [`0.${'0'.repeat(129)}1`, true],
  ['9.9E-131', false],
  ['1E+126', false],
  ['123456789012345678901234567890123456789', false],
  [`0.${'0'.repeat(130)}1`, false],
];

describe('every number a request may carry', () => {
  it('is refused, or accepted as a value DynamoDB can store, at every edge', () => {
    // The walk finds the numbers it must (the property cannot pass on nothing), and the oracle
    // reads DynamoDB's limits right, before the property means anything.
    expect(sites.map((site) => site.where)).toEqual(expect.arrayContaining(knownSites));
    expect(documentedBoundaries.map(([decimal]) => decimalFits(decimal))).toEqual(documentedBoundaries.map(([, storable]) => storable));
    expect([Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -0, 1e-130, neighbours(1e-130)[0] ?? 0].map(dynamoDbStores)).toEqual([false, false, false, true, true, false]);

    fc.assert(
      fc.property(edgeNumber, (value) => {
        for (const site of sites) {
          // Query numbers arrive as text and are coerced: try both forms.
          for (const input of [value, String(value)]) {
            const result = z.safeParse(site.schema, input);
            if (result.success && !dynamoDbStores(result.data as number)) throw new Error(`${site.where} accepts ${String(input)}, which DynamoDB cannot store`);
          }
        }
      }),
      { numRuns: 2000, examples: edges.map((value) => [value]) },
    );
  });
});

describe('storableNumber', () => {
  const lat = storableNumber({ min: -90, max: 90 });
  const included = storableNumber({ min: 0, max: 100, smallest: 0.001 });
  /** The 400 the API answers for `{ value }`, or undefined when it is accepted. */
  const refusal = (schema: z.ZodType, value: number) => {
    const body = { value };
    const result = z.strictObject({ value: schema }).safeParse(body);
    return result.success ? undefined : validationError(result.error, body);
  };

  it('refuses what is too close to 0 to store, naming the field in plain words, and keeps 0', () => {
    const error = refusal(lat, -1e-200);
    expect(error).toMatchObject({ code: 'parameter_invalid', param: 'value' });
    expect(error?.message).toBe('value must be 0 or at least 1e-130 in absolute value: nothing closer to 0 can be stored, send 0.');
    expect(refusal(lat, 0)).toBeUndefined();
    expect(refusal(lat, -1e-130)).toBeUndefined();
    expect(refusal(lat, 90.5)?.message).toBe('value must be at most 90.');
  });

  it('refuses below a smallest magnitude the domain sets, in its own words', () => {
    expect(refusal(included, 0.0005)?.message).toBe('value must be 0 or at least 0.001.');
    expect(refusal(included, 0)).toBeUndefined();
    expect(refusal(included, 0.001)).toBeUndefined();
  });

  it('keeps its own bounds storable, so the schema cannot promise what the table refuses', () => {
    expect(() => storableNumber({ min: 0, max: 1e300 })).toThrow(RangeError);
    expect(() => storableNumber({ min: 1e-200, max: 1 })).toThrow(RangeError);
    expect(() => storableNumber({ min: 0, max: 1, smallest: 0 })).toThrow(RangeError);
  });

  it('agrees with the oracle on every double', () => {
    fc.assert(
      fc.property(edgeNumber, (value) => {
        expect(isStorableNumber(value)).toBe(dynamoDbStores(value));
      }),
      { numRuns: 2000, examples: edges.map((value) => [value]) },
    );
  });
});
